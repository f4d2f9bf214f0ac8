using StructureReps.Benchmark;
using StructureReps.Core;
using StructureReps.Services.Encoding;

namespace StructureReps.Cli.Commands;

/// <summary>
/// `benchmark`: prediction across networks on a graph zoo — held-out networks, Kendall τ, the StatNN baselines.
/// </summary>
public static class BenchmarkCommand
{
    public static readonly CommandSpec[] Specs =
    [
        new("benchmark", """
            prediction across networks, the field's protocol: networks split into train / validation / test (seeded,
            or --split FILE), each model fitted on the training networks and scored on the test networks by Kendall
            τ, Pearson r and R² of test accuracy, train accuracy and their gap, on all and on final checkpoints;
            baselines StatNN + boosted trees, StatNN + ridge, the epoch, the untrained encoder; DIR/report.md and
            DIR/results.csv
            example: structurereps benchmark --graphs graphs/moons --out bench/moons --encoders enc/moons
            """,
        [
            new("--graphs", "DIR", "the graph zoo (graphs build)"),
            new("--out", "DIR", "where report.md and results.csv go"),
            new("--seeds", "N", "network splits, seeds 0 … N−1 (default 5)"),
            new("--split", "FILE", "a split file instead (CSV: run,split with train, val or test)"),
            new("--encoders", "DIR,…", "encode train folders whose embeddings.csv become models (ridge probe)"),
            new("--supervised", "NAME", "also a structural predictor trained for the job: NAME's encoder layers and a graph readout, " +
                "trained on the training networks' targets, early-stopped on the validation networks"),
            new("--untrained", "NAME",
                "the untrained-encoder baseline's configuration (default ea-tc-lf; none leaves it out)"),
            CommonOptions.Device,
        ], Run),
    ];

    /// <summary>`benchmark …`, as the command line gives it.</summary>
    public static int Run(string[] args) => CommandLine.Run(["benchmark", .. args]);

    private static int Run(Args opts)
    {
        string graphs = opts.RequiredPath("--graphs"), output = opts.RequiredPath("--out");
        string? split = opts.PathOption("--split");
        int? seeds = opts.Count("--seeds", max: 1000);
        if (split is not null && seeds is not null)
            throw new UsageException("--seeds and --split: a split file is one split");
        string untrained = opts.String("--untrained") ?? "ea-tc-lf";
        if (untrained != "none")
        {
            try { _ = Graphs.Encoding.EncoderConfig.Named(untrained); }
            catch (ArgumentException e) { throw new UsageException($"--untrained: {e.Message}"); }
        }
        string? supervised = opts.String("--supervised");
        if (supervised is not null)
        {
            try { _ = Graphs.Encoding.EncoderConfig.Named(supervised); }
            catch (ArgumentException e) { throw new UsageException($"--supervised: {e.Message}"); }
        }
        var encoders = (opts.String("--encoders") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var backend = Backends.Select(opts);
        opts.EnsureAllUsed();
        var options = new BenchmarkOptions
        {
            Seeds = seeds ?? 5, SplitFile = split, Encoders = encoders,
            UntrainedEncoder = untrained == "none" ? null : untrained,
            Supervised = supervised,
        };
        var zoo = GraphZoo.Load(graphs);
        Console.WriteLine($"benchmark: {zoo.Task}, {zoo.Runs.Count} networks, {zoo.Graphs.Count} checkpoints → " +
            $"{output}");
        var models = NetworkBenchmark.Models(zoo, options, backend);
        var bar = new ProgressBar("fits");
        int total = models.Count * (split is null ? options.Seeds : 1) * 2, done = 0;
        var results = NetworkBenchmark.Run(zoo, models, options, what => bar.Update((double)done++ / total, what),
            Interrupt.Token);
        bar.Update(1, "done", force: true);
        bar.Done();
        Directory.CreateDirectory(output);
        AtomicFile.WriteAllText(Path.Combine(output, "results.csv"), NetworkBenchmark.ToCsv(results));
        AtomicFile.WriteAllText(Path.Combine(output, "report.md"),
            NetworkBenchmark.Report(zoo, results, options, "structurereps benchmark " + opts.CommandLine()));
        foreach (var set in Enum.GetValues<CheckpointSet>())
        {
            Console.WriteLine($"\ntest accuracy of held-out networks, {NetworkBenchmark.Name(set)} checkpoints " +
                $"(mean ± sd over {results.Select(r => r.Seed).Distinct().Count()} splits):");
            TextTable.Print(["model", "Kendall τ", "Pearson r", "R²"], models.Select(m =>
            {
                var rows = results.Where(r => r.Model == m.Name && r.Target == BenchmarkTarget.Test
                    && r.Checkpoints == set).ToList();
                return (IReadOnlyList<string>)[m.Name, NetworkBenchmark.MeanSd(rows.Select(r => r.KendallTau)),
                    NetworkBenchmark.MeanSd(rows.Select(r => r.PearsonR)),
                    NetworkBenchmark.MeanSd(rows.Select(r => r.R2))];
            }).ToList());
        }
        Console.WriteLine($"\nreport → {Path.Combine(output, "report.md")}; " +
            $"one row per (model, target, checkpoints, seed) → {Path.Combine(output, "results.csv")}");
        return 0;
    }
}
