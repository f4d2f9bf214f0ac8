using System.Diagnostics;
using System.Globalization;
using StructureReps.Core;
using StructureReps.Core.Memory;
using StructureReps.Core.Backends;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding.Objectives;
using StructureReps.Graphs.Layers;
using StructureReps.Nn.Optim;
using StructureReps.Nn.Training;

namespace StructureReps.Graphs.Encoding;

/// <summary>
/// One epoch of encoder training: mean loss and its parts over the batches, the reconstruction AUC on the noisy z
/// the loss saw and on μ (no noise: what the embeddings are made of), the time.
/// </summary>
public sealed record EncoderEpoch(int Epoch, double Loss, double Recon, double Kl, double Auc, double Seconds, double AucMu = double.NaN)
{
    public const string Header = "epoch,loss,recon,kl,auc,seconds,auc_mu";

    public string ToCsv() => string.Create(CultureInfo.InvariantCulture, $"{Epoch},{Loss:R},{Recon:R},{Kl:R},{Auc:R},{Seconds:F3},{AucMu:R}");
}

public interface IEncoderProgress
{
    void EpochDone(EncoderEpoch epoch, int epochs);
    /// <summary>Something the user should know: a resume that had to start over.</summary>
    void Note(string message) { }
}

/// <summary>
/// Trains a VGAE over a zoo's graphs (spec §6): disjoint-union batches of <see cref="EncoderConfig.BatchGraphs"/>
/// graphs in a seeded order, LF sign flips redrawn every epoch, Adam. After every epoch the encoder
/// (encoder.safetensors), Adam's state (state.safetensors) and train-log.csv are written; a rerun resumes after
/// the last saved epoch and gives the same weights as an uninterrupted run. Epoch e draws all its randomness
/// from Rng.Derive(seed, e), so resuming needs no saved random state.
/// </summary>
public sealed class EncoderTrainer(EncoderConfig config, IBackend backend)
{
    public const string EncoderFileName = "encoder.safetensors";
    public const string LogFileName = "train-log.csv";

    /// <summary>
    /// What made the training graphs (<see cref="Conversion.GraphZooBuilder.FeaturizerOf"/>), saved in the encoder so
    /// that `predict` and the native library featurize an unseen network the same way. Without it the encoder can
    /// embed graphs already built, but not a checkpoint.
    /// </summary>
    public Featurization.Featurizer? Featurizer { get; init; }

    /// <summary>What the training networks' performance measures (graph files' "performance"), saved with the encoder.</summary>
    public string? Performance { get; init; }

    /// <summary>What the encoder is trained to do: the VGAE's reconstruction (spec §6) unless another is given.</summary>
    public Objectives.IEncoderObjective Objective { get; init; } = Objectives.VgaeObjective.Instance;

    /// <summary>The epochs of the last <see cref="Train"/>, resumed ones included (empty before it).</summary>
    public IReadOnlyList<EncoderEpoch> Log { get; private set; } = [];

    /// <summary>
    /// The encoder as training starts on <paramref name="training"/> (epoch 0): the seeded initial weights and the
    /// edge standardization fitted to those graphs. <see cref="Train"/> starts from it; embedding it untrained is
    /// the baseline that shows what training adds.
    /// </summary>
    public TrainedEncoder Initial(IReadOnlyList<NetworkGraph> training, string task)
    {
        if (training.Count == 0) throw new ArgumentException("encoder training needs at least one graph");
        int edgeDim = training[0].EdgeDim;
        var standardizer = config.StandardizeEdges ? EdgeStandardizer.Fit(training) : EdgeStandardizer.Identity;
        return new TrainedEncoder(new Vgae(config, edgeDim, new Rng(config.Seed), backend), config, standardizer, edgeDim, task, 0)
        {
            Featurizer = Featurizer,
            Performance = Performance,
        };
    }

    public TrainedEncoder Train(IReadOnlyList<NetworkGraph> training, string task, string? outDir = null, IEncoderProgress? progress = null,
        CancellationToken cancel = default)
    {
        var initial = Initial(training, task);
        var (model, standardizer, edgeDim) = (initial.Model, initial.Standardizer, initial.EdgeDim);
        string trainedOn = Fingerprint(training);
        var optimizer = new Adam(model.Parameters().ToList(), lr: config.LearningRate);
        var log = new List<EncoderEpoch>();
        Log = log;
        int start = 1;
        var checkpoints = outDir is null ? null : new CheckpointedRun(outDir);
        using var exclusive = outDir is null ? null : OutputLock.Acquire(outDir); // a second training in this folder is refused
        if (outDir is not null)
        {
            AtomicFile.RemoveOrphans(outDir); // temporary files of a killed earlier training
            start = Resume(outDir, checkpoints!, model, optimizer, log, task, trainedOn, progress) + 1;
        }
        var edgeCache = new Dictionary<NetworkGraph, float[]>(ReferenceEqualityComparer.Instance);
        float[] Edges(NetworkGraph g)
        {
            lock (edgeCache)
            {
                if (!edgeCache.TryGetValue(g, out var f)) edgeCache[g] = f = standardizer.Apply(g);
                return f;
            }
        }
        var rf = new Dictionary<int, float[]>();
        for (int epoch = start; epoch <= config.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var rng = Rng.Derive(config.Seed, (ulong)epoch);
            var order = Enumerable.Range(0, training.Count).ToArray();
            rng.Shuffle(order);
            var tally = new EpochTally();
            model.Train();
            for (int first = 0; first < order.Length; first += config.BatchGraphs)
            {
                var graphs = order.Skip(first).Take(config.BatchGraphs).Select(i => training[i]).ToList();
                using var step = BufferScope.Begin(); // every tensor of this step goes back to the pool at its end
                var features = graphs.Select(g => GraphBatch.InputFeatures(config, g, rng, rf)).ToList();
                var batch = new GraphBatch(graphs, features, config.K, Edges, config.Undirected, backend);
                optimizer.ZeroGrad();
                var result = Objective.Forward(model, batch, rng);
                result.Loss.Backward();
                optimizer.Step();
                result.Record(tally);
            }
            var row = tally.Row(epoch, clock.Elapsed.TotalSeconds);
            if (!double.IsFinite(row.Loss))
                throw new InvalidOperationException($"{outDir ?? "encoder"}: the loss became {row.Loss} in epoch {epoch} (recon {row.Recon}, KL {row.Kl}) " +
                    $"at learning rate {config.LearningRate}; training stops, epoch {epoch - 1} is the last saved").With(Remedy.LowerLearningRate);
            log.Add(row);
            if (outDir is not null)
                checkpoints!.Save(epoch,
                    () => EncoderFile.Write(Path.Combine(outDir, EncoderFileName), initial with { Epoch = epoch, TrainedOn = trainedOn }),
                    () => AtomicFile.WriteAllText(Path.Combine(outDir, LogFileName), string.Join("\n", [EncoderEpoch.Header, .. log.Select(x => x.ToCsv())]) + "\n"),
                    model, optimizer);
            progress?.EpochDone(row, config.Epochs);
        }
        model.Eval();
        return initial with { Epoch = config.Epochs, TrainedOn = trainedOn };
    }

    /// <summary>
    /// A hash of the training graphs in order (run, epoch, edge features, node biases): what an encoder folder
    /// records it was trained on, so a resume on a changed graph set starts over instead of mixing the two.
    /// </summary>
    public static string Fingerprint(IReadOnlyList<NetworkGraph> graphs)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[8];
        foreach (var g in graphs)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header, g.Targets.Run);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header[4..], g.Targets.Epoch);
            hash.AppendData(header);
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(g.EdgeFeatures.AsSpan()));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(g.NodeBias.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// The last epoch whose weights, log row and optimizer state all agree (<see cref="CheckpointedRun"/>; 0 =
    /// start afresh, said through <paramref name="progress"/>); loads them. The folder keeps the latest weights
    /// only, so only that epoch can be resumed.
    /// </summary>
    private int Resume(string outDir, CheckpointedRun checkpoints, Vgae model, Adam optimizer, List<EncoderEpoch> log, string task,
        string trainedOn, IEncoderProgress? progress)
    {
        string encoderPath = Path.Combine(outDir, EncoderFileName), logPath = Path.Combine(outDir, LogFileName);
        if (!File.Exists(encoderPath) || !File.Exists(logPath) || !File.Exists(checkpoints.StatePath)) return 0;
        var saved = EncoderFile.Read(encoderPath, backend);
        if (System.Text.Json.JsonSerializer.Serialize(saved.Config with { Epochs = 0 }) != System.Text.Json.JsonSerializer.Serialize(config with { Epochs = 0 }) || saved.Task != task)
            throw new InvalidOperationException($"{encoderPath}: was trained with another configuration or task").With(Remedy.OtherOutput);
        if (Featurizer is not null && saved.Featurizer != Featurizer)
        {
            // The graphs' features changed (or the file predates the record): the weights were fitted to other
            // inputs, and a resumed encoder would carry the new featurizer without having been trained on it.
            progress?.Note($"{encoderPath}: trained on graphs made with {saved.Featurizer?.ToString() ?? "features it did not record"}, " +
                $"these are made with {Featurizer}; training starts over");
            return 0;
        }
        if (saved.TrainedOn is { } on && on != trainedOn)
        {
            progress?.Note($"{encoderPath}: trained on other graphs than these (the graph zoo changed); training starts over");
            return 0;
        }
        var rows = File.ReadAllLines(logPath).Skip(1).Where(l => l.Length > 0).ToList();
        int epoch = checkpoints.ResumePoint(rows.Count, e => e == saved.Epoch, out string? restart);
        if (epoch < 1)
        {
            progress?.Note($"{outDir}: {restart ?? $"{rows.Count} epochs logged, the weights are of epoch {saved.Epoch}"}; training starts over");
            return 0;
        }
        if (epoch > config.Epochs)
            throw new InvalidOperationException(
                $"{encoderPath}: holds an encoder trained for {epoch} epochs, {config.Epochs} asked (ask for ≥ {epoch} to continue it)").With(Remedy.MoreEpochs);
        rows = rows.Take(epoch).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            var c = rows[i].Split(',').Select(x => double.TryParse(x, CultureInfo.InvariantCulture, out double v) ? v : double.NaN).ToArray();
            if (c.Length < 6 || !double.IsFinite(c[0]) || c[0] != i + 1)
                throw new DataFormatException(logPath, $"line {i + 2}", $"expected epoch {i + 1} and at least 6 numeric columns");
            log.Add(new EncoderEpoch((int)c[0], c[1], c[2], c[3], c[4], c[5], c.Length > 6 ? c[6] : double.NaN)); // auc_mu: logs from before it have 6 columns
        }
        foreach (var (name, p) in model.NamedParameters())
            p.Data.Write(saved.Model.NamedParameters().First(q => q.Name == name).Tensor.ToArray());
        checkpoints.LoadState(model, optimizer);
        return epoch;
    }
}
