using System.Globalization;
using System.Text;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;
using StructureReps.Services.Encoding;

namespace StructureReps.Benchmark;

/// <summary>What a benchmark row predicts: test accuracy (the field's target), train accuracy, or their gap.</summary>
public enum BenchmarkTarget
{
    Test,
    Train,
    Gap,
}

/// <summary>Which checkpoints of each network a row uses: all of them, or each network's last.</summary>
public enum CheckpointSet
{
    All,
    Final,
}

/// <summary>
/// One model: its name in the table and results.csv, its features per graph, and how they are regressed.
/// </summary>
public sealed record BenchmarkModel(string Name, IReadOnlyList<double[]> Features, IRegressor Regressor);

/// <summary>One (model, target, checkpoints, seed) of results.csv.</summary>
public sealed record BenchmarkResult(string Model, BenchmarkTarget Target, CheckpointSet Checkpoints, int Seed,
    double KendallTau, double PearsonR, double R2, int TrainNetworks, int TestNetworks, int TestRows);

/// <summary>
/// The benchmark's settings: seeds of the network split (or a split file) and the models beside the baselines.
/// </summary>
public sealed record BenchmarkOptions
{
    public int Seeds { get; init; } = 5;
    public string? SplitFile { get; init; }
    /// <summary>
    /// Encoder folders (`encode train --out`) whose embeddings.csv rows become a model each, with the ridge probe.
    /// </summary>
    public IReadOnlyList<string> Encoders { get; init; } = [];
    /// <summary>
    /// The untrained encoder's configuration (the baseline that shows what training adds); null leaves it out.
    /// </summary>
    /// <summary>
    /// A structural predictor trained for the job (<see cref="SupervisedGraphRegressor"/>) with this encoder
    /// configuration, fitted per split and target; null leaves it out (it trains one network per fit).
    /// </summary>
    public string? Supervised { get; init; }

    /// <summary>The supervised predictor's epoch limit (it stops earlier when validation τ stops rising).</summary>
    public int SupervisedEpochs { get; init; } = 40;

    public string? UntrainedEncoder { get; init; } = "ea-tc-lf";
}

/// <summary>
/// The across-networks benchmark (`benchmark`): on a graph zoo, networks split into train / validation / test
/// (<see cref="NetworkSplit"/>); each model is fitted on the training networks' checkpoints and scored on the test
/// networks' by Kendall τ, Pearson r and R², for test accuracy, train accuracy and the generalization gap, on all
/// checkpoints and on each network's final one, per seed. Baselines: StatNN statistics with gradient-boosted trees
/// and with ridge, the epoch number, the untrained encoder; beside them any trained encoders given.
/// </summary>
public static class NetworkBenchmark
{
    public const string ResultsHeader =
        "model,target,checkpoints,seed,kendall_tau,pearson_r,r2,train_networks,test_networks,test_rows";

    public static List<BenchmarkModel> Models(GraphZoo zoo, BenchmarkOptions options, IBackend backend)
    {
        var graphs = zoo.Graphs;
        int slots = StatNnSummary.Slots(graphs);
        var statNn = graphs.Select(g => StatNnSummary.Of(g, slots)).ToList();
        var models = new List<BenchmarkModel>
        {
            new("baseline: StatNN + boosted trees", statNn, new BoostedTreesRegressor()),
            new("baseline: StatNN + ridge", statNn, new RidgeRegressor()),
            new("baseline: epoch", [.. graphs.Select(g => new double[] { g.Targets.Epoch })], new RidgeRegressor()),
        };
        if (options.UntrainedEncoder is { } name)
        {
            var config = EncoderConfig.Named(name);
            models.Add(new($"baseline: {config.Label} untrained",
                Vectors(EncoderTraining.Untrained(config, zoo, backend)), new RidgeRegressor()));
        }
        if (options.Supervised is { } supervised)
        {
            var config = EncoderTraining.For(EncoderConfig.Named(supervised), zoo);
            models.Add(new($"{config.Label}, supervised readout", [.. Enumerable.Range(0, graphs.Count).Select(i => new double[] { i })],
                new SupervisedGraphRegressor(graphs, config, backend, options.SupervisedEpochs)));
        }
        foreach (var dir in options.Encoders)
        {
            string encoderPath = Path.Combine(dir, EncoderTrainer.EncoderFileName),
                csv = Path.Combine(dir, EncoderTraining.EmbeddingsFile);
            var encoder = EncoderFile.Read(encoderPath);
            if (encoder.Task != zoo.Task || (encoder.Featurizer is { } f && f != zoo.Featurizer))
                throw new DataFormatException(encoderPath, "task, featurizer",
                    $"{encoder.Task}, {encoder.Featurizer?.ToString() ?? "not recorded"}; the zoo is {zoo.Task}, " +
                    $"{zoo.Featurizer}: an encoder of another zoo");
            var rows = Embedder.ReadCsv(csv);
            var byCheckpoint = new Dictionary<(int, int), EmbeddingRow>();
            foreach (var (r, i) in rows.Select((r, i) => (r, i)))
                if (!byCheckpoint.TryAdd((r.Targets.Run, r.Targets.Epoch), r))
                    throw new DataFormatException(csv, $"row {i + 1}",
                        $"run {r.Targets.Run}, epoch {r.Targets.Epoch} again");
            var features = graphs.Select(g => byCheckpoint.TryGetValue((g.Targets.Run, g.Targets.Epoch), out var r)
                ? r.Vector.Select(v => (double)v).ToArray()
                : throw new DataFormatException(csv, "rows",
                    $"no row for run {g.Targets.Run}, epoch {g.Targets.Epoch} of {zoo.Directory}: " +
                    $"embeddings of another zoo")).ToList();
            models.Add(new($"{encoder.Config.Label} (epoch {encoder.Epoch}) + ridge", features, new RidgeRegressor()));
        }
        return models;
    }

    private static List<double[]> Vectors(IReadOnlyList<EmbeddingRow> rows) =>
        [.. rows.Select(r => r.Vector.Select(v => (double)v).ToArray())];

    public static List<BenchmarkResult> Run(GraphZoo zoo, IReadOnlyList<BenchmarkModel> models,
        BenchmarkOptions options, Action<string>? progress = null, CancellationToken cancel = default)
    {
        var graphs = zoo.Graphs;
        var runOf = graphs.Select(g => g.Targets.Run).ToArray();
        var runs = runOf.Distinct().Order().ToList();
        var finalEpoch = graphs.GroupBy(g => g.Targets.Run).ToDictionary(r => r.Key, r => r.Max(g => g.Targets.Epoch));
        var bad = graphs.FirstOrDefault(g => !double.IsFinite(g.Targets.TestPerformance)
            || !double.IsFinite(g.Targets.TrainPerformance));
        if (bad is not null) throw new DataFormatException(zoo.Directory, "targets",
            $"run {bad.Targets.Run}, epoch {bad.Targets.Epoch} has no train or test performance; " +
            $"the benchmark needs both");
        double Target(NetworkGraph g, BenchmarkTarget t) => t switch
        {
            BenchmarkTarget.Test => g.Targets.TestPerformance,
            BenchmarkTarget.Train => g.Targets.TrainPerformance,
            _ => g.Targets.TrainPerformance - g.Targets.TestPerformance,
        };
        var results = new List<BenchmarkResult>();
        int seeds = options.SplitFile is null ? options.Seeds : 1;
        for (int seed = 0; seed < seeds; seed++)
        {
            var split = options.SplitFile is { } file
                ? NetworkSplit.Read(file, runs)
                : NetworkSplit.Random(runs, (ulong)seed);
            foreach (var set in Enum.GetValues<CheckpointSet>())
            {
                bool Use(int i) => set == CheckpointSet.All || graphs[i].Targets.Epoch == finalEpoch[runOf[i]];
                int[] Rows(IReadOnlySet<int> side) =>
                    [.. Enumerable.Range(0, graphs.Count).Where(i => side.Contains(runOf[i]) && Use(i))];
                int[] train = Rows(split.Train), validation = Rows(split.Validation), test = Rows(split.Test);
                foreach (var model in models)
                {
                    cancel.ThrowIfCancellationRequested();
                    progress?.Invoke($"seed {seed}, {set.ToString().ToLowerInvariant()} checkpoints: {model.Name}");
                    foreach (var target in Enum.GetValues<BenchmarkTarget>())
                    {
                        List<double[]> X(int[] rows) => [.. rows.Select(i => model.Features[i])];
                        List<double> Y(int[] rows) => [.. rows.Select(i => Target(graphs[i], target))];
                        var predict = model.Regressor.Fit(X(train), Y(train), X(validation), Y(validation));
                        var predicted = predict(X(test));
                        var truth = Y(test);
                        // One test row (a split of few networks, final checkpoints) has no correlation: its cells
                        // stay undefined.
                        bool scored = test.Length >= 2;
                        results.Add(new BenchmarkResult(model.Name, target, set, seed,
                            scored ? Correlation.Kendall(predicted, truth) : double.NaN,
                            scored ? Correlation.Pearson(predicted, truth) : double.NaN,
                            scored ? Correlation.R2(truth, predicted) : double.NaN,
                            split.Train.Count, split.Test.Count, test.Length));
                    }
                }
            }
        }
        return results;
    }

    public static string ToCsv(IEnumerable<BenchmarkResult> results)
    {
        var sb = new StringBuilder(ResultsHeader).Append('\n');
        foreach (var r in results)
            sb.Append(string.Create(CultureInfo.InvariantCulture,
                $"\"{r.Model}\",{Name(r.Target)},{Name(r.Checkpoints)},{r.Seed}," +
                $"{r.KendallTau:R},{r.PearsonR:R},{r.R2:R},{r.TrainNetworks},{r.TestNetworks},{r.TestRows}\n"));
        return sb.ToString();
    }

    public static string Name(BenchmarkTarget t) => t.ToString().ToLowerInvariant();

    public static string Name(CheckpointSet c) => c.ToString().ToLowerInvariant();

    /// <summary>"0.70 ± 0.03": the mean and the standard deviation over seeds ("—" where undefined).</summary>
    public static string MeanSd(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        if (v.Count == 0) return "—";
        double mean = v.Average(),
            sd = v.Count > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1)) : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F3} ± {sd:F3}");
    }

    /// <summary>
    /// report.md: one table per (checkpoints, target), models as rows, τ / r / R² as mean ± sd over the seeds.
    /// </summary>
    public static string Report(GraphZoo zoo, IReadOnlyList<BenchmarkResult> results, BenchmarkOptions options,
        string command)
    {
        var sb = new StringBuilder();
        var first = results[0];
        sb.AppendLine($"# Prediction across networks: {zoo.Task}, " +
            $"{Path.GetFileName(Path.GetFullPath(zoo.Directory))}\n");
        sb.AppendLine($"- command: `{command}`");
        sb.AppendLine($"- zoo: {zoo.Runs.Count} networks, {zoo.Graphs.Count} checkpoints; {zoo.Featurizer}");
        sb.AppendLine($"- split by network: " +
            $"{(options.SplitFile is { } f
                ? $"from {f}"
                : $"70 / 10 / 20 % train / validation / test, " +
                    $"{results.Select(r => r.Seed).Distinct().Count()} seeds")} " +
            $"({first.TrainNetworks} training, {first.TestNetworks} test networks)");
        sb.AppendLine("- trained encoders given here were trained on every network's graphs (self-supervised, " +
            "without targets); the probe on top sees the training networks' targets only");
        sb.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd} UTC; {Environment.ProcessorCount} cores\n");
        foreach (var set in Enum.GetValues<CheckpointSet>())
            foreach (var target in Enum.GetValues<BenchmarkTarget>())
            {
                sb.AppendLine($"## {Name(target)} " +
                    $"{(target == BenchmarkTarget.Gap ? "(train − test accuracy)" : "accuracy")}, " +
                    $"{Name(set)} checkpoints\n");
                sb.AppendLine("| model | Kendall τ | Pearson r | R² |");
                sb.AppendLine("|---|---:|---:|---:|");
                foreach (var model in results.Select(r => r.Model).Distinct())
                {
                    var rows = results.Where(r => r.Model == model && r.Target == target && r.Checkpoints == set)
                        .ToList();
                    sb.AppendLine($"| {model} | {MeanSd(rows.Select(r => r.KendallTau))} | " +
                        $"{MeanSd(rows.Select(r => r.PearsonR))} | {MeanSd(rows.Select(r => r.R2))} |");
                }
                sb.AppendLine();
            }
        return sb.ToString();
    }
}
