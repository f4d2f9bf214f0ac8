using System.Globalization;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;
using StructureReps.Services.Encoding;

namespace StructureReps.Cli.Commands;

/// <summary>`encode train` (a VGAE over a graph zoo) and `encode embed` (graph embeddings as CSV).</summary>
public static class EncodeCommand
{
    public static readonly CommandSpec[] Specs =
    [
        new("encode train", """
            train the VGAE over a graph zoo (resumes after the last saved epoch), then write embeddings.csv
            example: structurereps encode train --graphs graphs/moons --out enc/moons --epochs 20
            """,
        [
            new("--graphs", "DIR", "the graph zoo (graphs build)"),
            new("--out", "DIR", "the encoder folder"),
            new("--encoder", "NAME", "ea-tc-lf (default, the paper's StructureReps), ea-gc-lf, gc-lf or gc-rf", EncoderConfig.Names),
            new("--epochs", "N", "training epochs (default 200)"),
            new("--batch", "N", "graphs per batch (default 32)"),
            new("--lr", "RATE", "Adam's learning rate (default 0.01)"),
            new("--heads", "H", "attention heads (default 1)"),
            new("--seed", "S", "the initialization's seed (default 0)"),
            new("--pooling", "P", "mean (default) or mean-max: node embeddings to one vector", ["mean", "mean-max"]),
            new("--decoder", "D", "inner (the paper's σ(z_i·z_j)), bilinear or distance", [.. StructureReps.Graphs.Layers.PairDecoder.Names]),
            new("--no-standardize", null, "leave the edge features as they are (default: standardized per layer)"),
            new("--forward", null, "directed edges, input to output only (default: both directions)"),
            CommonOptions.Device,
        ], Train),
        new("encode embed", """
            embed a graph zoo with a trained encoder (mean of μ per graph) as CSV with run, epoch and targets
            example: structurereps encode embed --encoder enc/moons/encoder.safetensors --graphs graphs/moons
            """,
        [
            new("--encoder", "FILE", "encoder.safetensors (encode train)"),
            new("--graphs", "DIR", "the graph zoo"),
            new("--out", "FILE", "the CSV (default: embeddings.csv beside the encoder)"),
            CommonOptions.Device,
        ], Embed),
    ];

    /// <summary>`encode SUBCOMMAND …`, as the command line gives it.</summary>
    public static int Run(string[] args) => CommandLine.Run(["encode", .. args]);

    /// <summary>The encoder options shared with `reproduce`.</summary>
    public static EncoderConfig Config(Args opts, string name)
    {
        EncoderConfig config;
        try { config = EncoderConfig.Named(name); }
        catch (ArgumentException e) { throw new UsageException($"--encoder: {e.Message}"); }
        string pooling = opts.String("--pooling") ?? "mean";
        string decoder = opts.String("--decoder") ?? "inner";
        if (!StructureReps.Graphs.Layers.PairDecoder.Names.Contains(decoder))
            throw new UsageException($"--decoder: '{decoder}' is not one of {string.Join(", ", StructureReps.Graphs.Layers.PairDecoder.Names)}");
        var poolingKind = EncoderSettings.ParsePooling(pooling) ?? throw new UsageException($"--pooling: '{pooling}' is not mean or mean-max");
        return config with
        {
            Epochs = opts.Count("--epochs") ?? config.Epochs,
            BatchGraphs = opts.Count("--batch") ?? config.BatchGraphs,
            LearningRate = (float)(opts.Positive("--lr") ?? config.LearningRate),
            Heads = opts.Count("--heads", max: 64) ?? config.Heads,
            Seed = (ulong)(opts.Int("--seed") ?? 0),
            Decoder = decoder,
            StandardizeEdges = !opts.Flag("--no-standardize"),
            Undirected = !opts.Flag("--forward"),
            Pooling = poolingKind,
        };
    }

    private static int Train(Args opts)
    {
        string graphs = opts.RequiredPath("--graphs"), output = opts.RequiredPath("--out");
        var requested = Config(opts, opts.String("--encoder") ?? "ea-tc-lf");
        var backend = Backends.Select(opts);
        opts.EnsureAllUsed();
        var zoo = GraphZoo.Load(graphs);
        var config = EncoderTraining.For(requested, zoo);
        var model = new StructureReps.Graphs.Encoding.Vgae(config, zoo.Graphs[0].EdgeDim, new Core.Rng(config.Seed), backend);
        Console.WriteLine($"encode: {config.Label} on {zoo.Graphs.Count} graphs of {zoo.Runs.Count} runs ({zoo.Task}), {config.Epochs} epochs, batches of {config.BatchGraphs}, backend {backend.Name} → {output}");
        Console.WriteLine($"        {model} ({model.ParameterCount} parameters)");
        var bar = new Bar();
        var result = EncoderTraining.Run(config, zoo, output, backend, bar, Interrupt.Token);
        bar.Done();
        // The baseline `decode` prints beside it: the same encoder with its initial weights.
        Embedder.WriteCsv(Path.Combine(output, DecodeCommand.UntrainedEmbeddings), EncoderTraining.Untrained(config, zoo, backend));
        Console.WriteLine($"encoder → {Path.Combine(output, EncoderTrainer.EncoderFileName)}; {result.Embeddings.Count} embeddings " +
            $"({result.Embeddings[0].Vector.Length} dims) → {result.EmbeddingsPath}");
        return 0;
    }

    private sealed class Bar : IEncoderProgress
    {
        private readonly ProgressBar _bar = new("epochs");

        public void EpochDone(EncoderEpoch e, int epochs)
        {
            if (_bar.Fresh) _bar.Skip((e.Epoch - 1.0) / epochs); // a resumed encoder: the epochs on disk took no time now
            _bar.Update((double)e.Epoch / epochs, string.Create(CultureInfo.InvariantCulture,
                $"epoch {e.Epoch}/{epochs}  loss {e.Loss:F4}  recon {e.Recon:F4}  AUC {e.Auc:F3}  {e.Seconds:F2} s"), force: e.Epoch == epochs);
        }

        public void Note(string message)
        {
            _bar.Done();
            Console.WriteLine(message);
        }

        public void Done() => _bar.Done();
    }

    private static int Embed(Args opts)
    {
        string encoderPath = opts.RequiredPath("--encoder"), graphs = opts.RequiredPath("--graphs");
        string output = opts.PathOption("--out") ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(encoderPath))!, "embeddings.csv");
        var backend = Backends.Select(opts);
        opts.EnsureAllUsed();
        var encoder = EncoderFile.Read(encoderPath, backend);
        var runs = GraphZooBuilder.Load(graphs);
        var all = runs.SelectMany(r => r.Graphs).ToList();
        if (all.Count > 0 && all[0].EdgeDim != encoder.EdgeDim)
            throw new InvalidOperationException($"{graphs}: edge width {all[0].EdgeDim}, but {encoderPath} was trained on width {encoder.EdgeDim}");
        if (encoder.Featurizer is { } trainedWith && GraphZooBuilder.FeaturizerOf(graphs) is var built && built != trainedWith)
            throw new InvalidOperationException($"{graphs}: graphs made with {built}, but {encoderPath} was trained on graphs made with {trainedWith}");
        var rows = Embedder.Embed(encoder, all, runs.Count > 0 ? runs[0].Task : encoder.Task);
        Embedder.WriteCsv(output, rows);
        Console.WriteLine($"{encoder.Config.Label} (epoch {encoder.Epoch}): {rows.Count} embeddings → {output}");
        return 0;
    }
}
