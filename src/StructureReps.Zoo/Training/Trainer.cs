using StructureReps.Core;
using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;
using StructureReps.Core.Memory;
using StructureReps.Nn.Optim;
using StructureReps.Zoo.Data;
using StructureReps.Zoo.Models;

namespace StructureReps.Zoo.Training;

/// <summary>
/// Mini-batch training of a zoo network on the engine (any backend): cross-entropy for classification, MSE for
/// regression. Every epoch's randomness (batch order, dropout) comes from Rng.Derive(seed, epoch), so an epoch
/// is the same whether the run went straight through or resumed from a checkpoint.
/// </summary>
public sealed class Trainer
{
    private readonly INetwork _net;
    private readonly TrainConfig _config;
    private readonly IBackend _backend;

    public Trainer(INetwork network, TrainConfig config, IBackend backend)
    {
        _net = network;
        _config = config;
        _backend = backend;
        var parameters = network.Module.Parameters().ToList();
        Optimizer = config.Optimizer switch
        {
            "adam" => new Adam(parameters, config.LearningRate, weightDecay: config.WeightDecay),
            "adamw" => new Adam(parameters, config.LearningRate, weightDecay: config.WeightDecay, decoupled: true),
            "sgd" => new Sgd(parameters, config.LearningRate, config.Momentum, config.WeightDecay),
            _ => throw new ArgumentException($"optimizer '{config.Optimizer}' is not one of adam, adamw, sgd"),
        };
    }

    public Optimizer Optimizer { get; }

    /// <summary>One pass over <paramref name="train"/> in shuffled mini-batches; returns the mean batch loss.</summary>
    public double TrainEpoch(Dataset train, int epoch)
    {
        var rng = Rng.Derive(_config.Seed, (ulong)epoch);
        var order = Enumerable.Range(0, train.Count).ToArray();
        rng.Shuffle(order);
        _net.Module.Train();
        double total = 0;
        int batches = 0;
        for (int start = 0; start < order.Length; start += _config.BatchSize)
        {
            var batch = order.AsSpan(start, Math.Min(_config.BatchSize, order.Length - start)).ToArray();
            using var step = BufferScope.Begin(); // every tensor of this step goes back to the pool at its end
            var (x, labels, targets) = Batch(train, batch);
            Optimizer.ZeroGrad();
            var output = _net.Forward(x, rng);
            var loss = Loss(output, labels, targets);
            loss.Backward();
            Optimizer.Step();
            total += loss.Item();
            batches++;
        }
        return batches == 0 ? 0 : total / batches;
    }

    /// <summary>Performance (accuracy or R²) and mean loss on a whole split, in inference mode.</summary>
    public (double Performance, double Loss) Evaluate(Dataset data, int chunk = 1000)
    {
        _net.Module.Eval();
        using var _ = Tape.NoGrad();
        double lossSum = 0, sse = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += chunk)
        {
            var idx = Enumerable.Range(start, Math.Min(chunk, data.Count - start)).ToArray();
            using var scope = BufferScope.Begin();
            var (x, labels, targets) = Batch(data, idx);
            var output = _net.Forward(x);
            lossSum += Loss(output, labels, targets).Item() * idx.Length;
            var o = output.ToArray();
            if (data.IsRegression)
                for (int i = 0; i < idx.Length; i++) { double d = o[i] - data.Targets![idx[i]]; sse += d * d; }
            else
            {
                int k = data.Classes;
                for (int i = 0; i < idx.Length; i++)
                {
                    int best = 0;
                    for (int c = 1; c < k; c++) if (o[i * k + c] > o[i * k + best]) best = c;
                    if (best == data.Labels![idx[i]]) correct++;
                }
            }
        }
        double loss = lossSum / Math.Max(1, data.Count);
        if (!data.IsRegression) return (correct / (double)Math.Max(1, data.Count), loss);
        double mean = data.Targets!.Average(v => (double)v);
        double sst = data.Targets!.Sum(v => (v - mean) * (v - mean));
        return (sst == 0 ? 0 : 1 - sse / sst, loss);
    }

    private Tensor Loss(Tensor output, IndexTensor? labels, Tensor? targets) =>
        labels is not null ? Ops.CrossEntropy(output, labels) : Ops.Mse(output, targets!);

    private (Tensor X, IndexTensor? Labels, Tensor? Targets) Batch(Dataset data, int[] indices)
    {
        int size = data.SampleSize;
        // Rows go straight into a pooled tensor (a CNN batch is ~200 KB: a fresh host array per step is GC churn).
        var xt = Tensor.Uninitialized([indices.Length, .. data.SampleShape], _backend);
        for (int i = 0; i < indices.Length; i++) xt.Data.Write(data.X.AsSpan(indices[i] * size, size), i * size);
        if (data.IsRegression)
            return (xt, null, Tensor.From(indices.Select(i => data.Targets![i]).ToArray(), [indices.Length, 1], _backend));
        return (xt, new IndexTensor(indices.Select(i => data.Labels![i]).ToArray()), null);
    }
}
