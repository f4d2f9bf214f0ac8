using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Core.Memory;
using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;
using StructureReps.Nn.Modules;
using StructureReps.Nn.Optim;

namespace StructureReps.Benchmark;

/// <summary>
/// A structural predictor trained for the job: the encoder's layers (EA + TransformerConv or GATConv, as the
/// configuration says) and a graph-level readout — [mean ‖ max] of the node embeddings μ, then a linear layer —
/// trained across the training networks to predict the target (MSE on standardized targets, Adam), early-stopped
/// on Kendall τ of the validation networks. Its features are graph indices into <paramref name="graphs"/> (the
/// benchmark's rows), so it fits the benchmark's <see cref="IRegressor"/> contract.
/// </summary>
public sealed class SupervisedGraphRegressor(IReadOnlyList<NetworkGraph> graphs, EncoderConfig config, IBackend backend,
    int epochs = 40, int patience = 8, float learningRate = 3e-3f) : IRegressor
{
    public string Name => "supervised readout";

    /// <summary>The model: the VGAE's encoder (its decoder is not used) and the readout.</summary>
    public sealed class Model : Module
    {
        public Model(EncoderConfig config, int edgeDim, Rng rng, IBackend backend)
        {
            Encoder = RegisterModule("encoder", new Vgae(config, edgeDim, rng, backend));
            Readout = RegisterModule("readout", new Linear(2 * config.Latent, 1, rng, backend: backend));
        }

        public Vgae Encoder { get; }
        public Linear Readout { get; }

        /// <summary>One predicted (standardized) target per graph of the batch, [graphs].</summary>
        public Tensor Predict(GraphBatch batch, int count, Rng? rng)
        {
            var (mu, _) = Encoder.Encode(batch, rng);
            var pooled = Ops.Concat(
                [Ops.SegmentMean(mu, batch.GraphOf, count), Ops.SegmentMax(mu, batch.GraphOf, count)], 1);
            return Ops.Reshape(Readout.Forward(pooled), [count]);
        }
    }

    public Predict Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, IReadOnlyList<double[]> xValidation,
        IReadOnlyList<double> yValidation)
    {
        var train = x.Select(r => graphs[(int)r[0]]).ToList();
        var validation = xValidation.Select(r => graphs[(int)r[0]]).ToList();
        double mean = y.Average(), std = Math.Sqrt(y.Average(v => (v - mean) * (v - mean)));
        if (!(std > 1e-12)) std = 1;
        var standardizer = config.StandardizeEdges ? EdgeStandardizer.Fit(train) : EdgeStandardizer.Identity;
        var model = new Model(config, train[0].EdgeDim, new Rng(config.Seed), backend);
        var parameters = model.Parameters().ToList();
        var adam = new Adam(parameters, lr: learningRate);
        var rf = new Dictionary<int, float[]>();
        float[][]? best = null;
        double bestTau = double.NegativeInfinity;
        int sinceBest = 0;
        for (int epoch = 1; epoch <= epochs && sinceBest < patience; epoch++)
        {
            var rng = Rng.Derive(config.Seed, (ulong)epoch);
            var order = Enumerable.Range(0, train.Count).ToArray();
            rng.Shuffle(order);
            model.Train();
            for (int first = 0; first < order.Length; first += config.BatchGraphs)
            {
                var rows = order.Skip(first).Take(config.BatchGraphs).ToArray();
                using var step = BufferScope.Begin();
                var part = rows.Select(i => train[i]).ToList();
                var batch = Batch(part, rng, rf, standardizer);
                adam.ZeroGrad();
                var target = Tensor.From([.. rows.Select(i => (float)((y[i] - mean) / std))], [rows.Length], backend);
                var loss = Ops.MeanAll(Ops.Square(model.Predict(batch, part.Count, rng) - target));
                loss.Backward();
                adam.Step();
            }
            if (validation.Count < 3) { best = Snapshot(parameters); continue; }
            double tau = Correlation.Kendall(PredictAll(model, validation, rf, standardizer), yValidation);
            if (double.IsFinite(tau) && tau > bestTau) { (bestTau, best, sinceBest) = (tau, Snapshot(parameters), 0); }
            else sinceBest++;
        }
        if (best is not null) for (int i = 0; i < parameters.Count; i++) parameters[i].Data.Write(best[i]);
        return rows =>
        {
            var z = PredictAll(model, [.. rows.Select(r => graphs[(int)r[0]])], rf, standardizer);
            return [.. z.Select(v => v * std + mean)];
        };
    }

    private GraphBatch Batch(List<NetworkGraph> part, Rng? flips, Dictionary<int, float[]> rf, EdgeStandardizer standardizer) =>
        new(part, [.. part.Select(g => GraphBatch.InputFeatures(config, g, flips, rf))], config.K, standardizer.Apply,
            config.Undirected, backend);

    private double[] PredictAll(Model model, List<NetworkGraph> items, Dictionary<int, float[]> rf,
        EdgeStandardizer standardizer)
    {
        model.Eval();
        var result = new List<double>(items.Count);
        using var _ = Core.Autodiff.Tape.NoGrad();
        for (int first = 0; first < items.Count; first += 64)
        {
            var part = items.Skip(first).Take(64).ToList();
            using var scope = BufferScope.Begin();
            var z = model.Predict(Batch(part, null, rf, standardizer), part.Count, null).ToArray();
            result.AddRange(z.Select(v => (double)v));
        }
        return [.. result];
    }

    private static float[][] Snapshot(List<Tensor> parameters) => [.. parameters.Select(p => p.ToArray())];
}
