using StructureReps.Core.Backends;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;
using StructureReps.Graphs.Featurization;

namespace StructureReps.Services.Encoding;

/// <summary>A graph folder ready for an encoder: its graphs in run order, their task and featurizer.</summary>
public sealed record GraphZoo(string Directory, IReadOnlyList<RunGraphs> Runs, IReadOnlyList<NetworkGraph> Graphs,
    string Task, Featurizer Featurizer)
{
    /// <summary>
    /// What every run's performance measures ("accuracy", "r2"), or null when the runs disagree or do not say.
    /// </summary>
    public string? Performance =>
        Runs.Select(r => r.Performance).Distinct().ToList() is [var one] && one is "accuracy" or "r2" ? one : null;

    /// <summary>A built graph folder (`graphs build`), refused when it holds no graph.</summary>
    public static GraphZoo Load(string directory)
    {
        var runs = GraphZooBuilder.Load(directory);
        var graphs = runs.SelectMany(r => r.Graphs).ToList();
        if (graphs.Count == 0)
            throw new InvalidOperationException($"{directory}: no graphs (build them with `graphs build`)");
        return new GraphZoo(directory, runs, graphs, runs[0].Task, GraphZooBuilder.FeaturizerOf(directory));
    }
}

/// <summary>What training wrote: the encoder, its embeddings and where they are.</summary>
public sealed record TrainedOnZoo(TrainedEncoder Encoder, IReadOnlyList<EmbeddingRow> Embeddings, string EmbeddingsPath,
    EncoderTrainer Trainer);

/// <summary>
/// Train an encoder on a graph zoo, embed every graph, write embeddings.csv (`encode train`, and each encoder of a
/// reproduction): the encoder's node-feature width and featurizer are the graphs', so the encoder file alone can
/// featurize an unseen network.
/// </summary>
public static class EncoderTraining
{
    public const string EmbeddingsFile = "embeddings.csv";

    /// <summary><paramref name="config"/> with the graphs' node-feature width (graphs build's k).</summary>
    public static EncoderConfig For(EncoderConfig config, GraphZoo zoo) => config with { K = zoo.Featurizer.K };

    public static EncoderTrainer Trainer(EncoderConfig config, GraphZoo zoo, IBackend backend) =>
        new(For(config, zoo), backend) { Featurizer = zoo.Featurizer, Performance = zoo.Performance };

    /// <summary>
    /// Trains (resuming what <paramref name="outDir"/> holds), embeds the zoo, writes embeddings.csv there.
    /// </summary>
    public static TrainedOnZoo Run(EncoderConfig config, GraphZoo zoo, string outDir, IBackend backend,
        IEncoderProgress? progress = null, CancellationToken cancel = default,
        IReadOnlyList<NetworkGraph>? trainOn = null)
    {
        var trainer = Trainer(config, zoo, backend);
        var trained = trainer.Train(trainOn ?? zoo.Graphs, zoo.Task, outDir, progress, cancel);
        var rows = Embedder.Embed(trained, zoo.Graphs, zoo.Task);
        string csv = Path.Combine(outDir, EmbeddingsFile);
        Embedder.WriteCsv(csv, rows);
        return new TrainedOnZoo(trained, rows, csv, trainer);
    }

    /// <summary>
    /// The same encoder at its initial weights, embedding the zoo: the baseline that shows what training adds.
    /// </summary>
    public static List<EmbeddingRow> Untrained(EncoderConfig config, GraphZoo zoo, IBackend backend) =>
        Embedder.Embed(Trainer(config, zoo, backend).Initial(zoo.Graphs, zoo.Task), zoo.Graphs, zoo.Task);
}
