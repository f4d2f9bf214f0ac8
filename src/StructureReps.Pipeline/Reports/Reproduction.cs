using System.Diagnostics;
using StructureReps.Core.Backends;
using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;
using StructureReps.Graphs.Features;
using StructureReps.Graphs.Spectral;
using StructureReps.Services.Encoding;
using StructureReps.Zoo;
using StructureReps.Zoo.Training;

namespace StructureReps.Pipeline.Reports;

/// <summary>How big each stage is for one task.</summary>
public sealed record TaskPlan(string Task, int Runs, int Epochs, int? MaxTrain = null, int? MaxTest = null);

/// <summary>The stage after which a reproduction stops (a cluster job per stage); <see cref="Report"/> runs everything.</summary>
public enum ReproduceStage { Zoo, Graphs, Encoders, Report }

public sealed record ReproduceOptions
{
    public required string Output { get; init; }
    public required IReadOnlyList<TaskPlan> Tasks { get; init; }
    public IReadOnlyList<string> Encoders { get; init; } = EncoderConfig.Names;
    public int EncoderEpochs { get; init; } = 200;
    public int Seeds { get; init; } = 5;
    /// <summary>
    /// Encoder initializations per encoder (seed 0 in encoders/TASK/NAME, seed s in NAME-seedS); each probe row
    /// pools the probe seeds of every one, so its variance includes the encoder's initialization.
    /// </summary>
    public int EncoderSeeds { get; init; } = 1;
    public string DataRoot { get; init; } = Zoo.Data.DataFiles.DefaultRoot();
    public PeOptions Pe { get; init; } = new();
    public bool Quick { get; init; }
    /// <summary>The paper's protocol: one network per task, 200 epochs, split at random (by-run needs two runs).</summary>
    public bool Paper { get; init; }
    /// <summary>Also run Figure 2 (covertype regular/deeper/wider) when covertype is among the tasks.</summary>
    public bool Figure2 { get; init; } = true;
    /// <summary>Also probe the first encoder untrained (its initial weights): the row that shows what training adds.</summary>
    public bool UntrainedBaseline { get; init; } = true;

    /// <summary>Encoders also trained inductively (on each by-run split's training runs only); none turns it off.</summary>
    public IReadOnlyList<string> InductiveEncoders { get; init; } = ["ea-tc-lf"];
    /// <summary>Seeds (by-run splits, one encoder each) of the inductive mode; 0 turns it off.</summary>
    public int InductiveSeeds { get; init; } = 5;
    /// <summary>
    /// Stop after this stage of every task, leaving its outputs for a later run to reuse (the encoder job of a
    /// cluster chain stops after the encoders; the report job reuses everything). Inductive encoders and Figure 2
    /// are trained by the report stage.
    /// </summary>
    public ReproduceStage StopAfter { get; init; } = ReproduceStage.Report;

    // The layout of the output folder, shared by the run and its plan.
    public string ZooDir(string task) => Path.Combine(Output, "zoos", task);
    public string GraphDir(string task) => Path.Combine(Output, "graphs", task);

    /// <summary>Where an encoder is trained: seed 0 in encoders/TASK/NAME (as before encoder seeds existed), seed s in NAME-seedS.</summary>
    public string EncoderDir(string task, string name, int seed) =>
        Path.Combine(Output, "encoders", task, name.Replace(':', '-') + (seed == 0 ? "" : $"-seed{seed}"));

    /// <summary>
    /// The quick plan (minutes on 2 cores), the full one (20 runs × 200 epochs) or the paper's (one network per
    /// task × 200 epochs: "for each epoch, we get a new graph"), for the given tasks.
    /// </summary>
    public static IReadOnlyList<TaskPlan> Plan(IEnumerable<string> tasks, bool quick, bool paper = false) => tasks.Select(t => paper
        ? new TaskPlan(t, 1, 200)
        : quick
        ? t switch
        {
            "two-moons" => new TaskPlan(t, 8, 25),
            "california-housing" => new TaskPlan(t, 6, 12, 4000, 2000),
            "covertype" => new TaskPlan(t, 6, 10, 8000, 2000),
            _ => new TaskPlan(t, 4, 4, 1000, 500), // the image tasks: small CNN zoos on capped data
        }
        : new TaskPlan(t, 20, 200)).ToList();
}

/// <summary>One probe result: which task, encoder (or baseline), split and target.</summary>


public interface IReproduceProgress
{
    void Stage(string task, string stage, string detail);
    void EncoderEpoch(string task, string encoder, EncoderEpoch epoch, int epochs);
}

/// <summary>
/// The reproduction (spec §7): for each task whose data is present, the zoo, the graphs, the four encoders and
/// their embeddings, then the probe over both split modes and both targets, with the baselines. Every stage
/// reuses what is on disk (complete zoo runs, built graphs, trained encoders), so a rerun continues.
/// </summary>
public sealed class Reproduction(ReproduceOptions options, IBackend backend, IReproduceProgress? progress = null)
{
    /// <summary>
    /// What the run found. <paramref name="Reconstruction"/>: per (task, encoder) the reconstruction AUC on μ of
    /// the last epoch, one per encoder seed.
    /// </summary>
    public sealed record Outcome(List<ProbeResult> Results, Dictionary<string, string> Missing, Dictionary<string, string> ZooSummary, TimeSpan Elapsed,
        Figure2Result? Figure2 = null, Dictionary<(string Task, string Encoder), List<double>>? Reconstruction = null);

    public Outcome Run(CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var results = new List<ProbeResult>();
        var missing = new Dictionary<string, string>();
        var zooSummary = new Dictionary<string, string>();
        var reconstruction = new Dictionary<(string, string), List<double>>();
        foreach (var plan in options.Tasks)
        {
            var task = Tasks.Get(plan.Task);
            if (task.Missing(options.DataRoot) is { } why) { missing[plan.Task] = why; progress?.Stage(plan.Task, "skipped", why); continue; }
            string zooDir = options.ZooDir(plan.Task), graphDir = options.GraphDir(plan.Task);
            progress?.Stage(plan.Task, "zoo", $"{plan.Runs} runs × {plan.Epochs} epochs{(plan.MaxTrain is int m ? $", ≤ {m} training samples" : "")}");
            var runs = new ZooRunner(new ZooSpec
            {
                Task = plan.Task, Runs = plan.Runs, Epochs = plan.Epochs, Output = zooDir, DataRoot = options.DataRoot,
                MaxTrain = plan.MaxTrain, MaxTest = plan.MaxTest,
            }, backend).Run(cancel);
            if (options.StopAfter == ReproduceStage.Zoo) continue;
            // Diverged runs (NaN losses) are left out of the mean and counted, so one such run does not make it NaN.
            var finite = runs.Where(r => double.IsFinite(r.Final.TrainPerformance) && double.IsFinite(r.Final.TestPerformance)).ToList();
            string diverged = finite.Count < runs.Count ? $" over the {finite.Count} runs that did not diverge ({runs.Count - finite.Count} did)" : "";
            zooSummary[plan.Task] = finite.Count == 0
                ? $"{runs.Count} runs × {plan.Epochs} epochs ({runs[0].Info.Architecture}): every run diverged"
                : $"{runs.Count} runs × {plan.Epochs} epochs ({runs[0].Info.Architecture}), final {runs[0].Info.Performance}{diverged}: train {finite.Average(r => r.Final.TrainPerformance):F3}, test {finite.Average(r => r.Final.TestPerformance):F3}";
            progress?.Stage(plan.Task, "graphs", graphDir);
            GraphZooBuilder.Build(zooDir, graphDir, options.Pe, cancel: cancel);
            if (options.StopAfter == ReproduceStage.Graphs) continue;
            var zoo = GraphZoo.Load(graphDir);
            var graphs = zoo.Graphs.ToList();
            var runOf = graphs.Select(g => g.Targets.Run).ToList();
            var targets = new Dictionary<Target, List<double>>
            {
                [Target.Train] = graphs.Select(g => g.Targets.TrainPerformance).ToList(),
                [Target.Test] = graphs.Select(g => g.Targets.TestPerformance).ToList(),
            };
            // One feature set per encoder seed for the encoders; the baselines have one.
            var features = new Dictionary<Method, List<List<double[]>>>();
            foreach (var name in options.Encoders)
            {
                features[Method.Of(name)] = [];
                reconstruction[(plan.Task, name)] = [];
                for (int seed = 0; seed < options.EncoderSeeds; seed++)
                {
                    var config = EncoderConfig.Named(name) with { Epochs = options.EncoderEpochs, Seed = (ulong)seed, K = options.Pe.K };
                    string dir = options.EncoderDir(plan.Task, name, seed);
                    progress?.Stage(plan.Task, config.Label, $"{config.Epochs} epochs on {graphs.Count} graphs{(options.EncoderSeeds > 1 ? $", encoder seed {seed}" : "")}");
                    var result = EncoderTraining.Run(config, zoo, dir, backend, new EpochRelay(progress, plan.Task, name), cancel);
                    features[Method.Of(name)].Add(Features(result.Embeddings));
                    if (result.Trainer.Log.Count > 0) reconstruction[(plan.Task, name)].Add(result.Trainer.Log[^1].AucMu);
                }
            }
            if (options.StopAfter == ReproduceStage.Encoders) continue;
            if (options.UntrainedBaseline && options.Encoders.Count > 0)
            {
                // The first encoder as it starts training: same architecture, same initial weights (per encoder
                // seed), same embedding and probe — what the self-supervised training adds is the gap to its row.
                features[Method.Untrained] = [.. Enumerable.Range(0, options.EncoderSeeds).Select(seed =>
                    Features(EncoderTraining.Untrained(EncoderConfig.Named(options.Encoders[0]) with { Seed = (ulong)seed }, zoo, backend)))];
            }
            features[Method.Epoch] = [graphs.Select(Baselines.Epoch).ToList()];
            features[Method.StatNn] = [graphs.Select(Baselines.StatNn).ToList()];
            // One run (the paper's protocol) has no by-run split: its rows stay empty rather than fail.
            var splits = Splits.Modes.Where(m => m != Split.ByRun || runOf.Distinct().Count() >= 2).ToList();
            progress?.Stage(plan.Task, "probe", $"{options.Seeds} seeds × {splits.Count} split{(splits.Count > 1 ? "s" : "")} ({string.Join(", ", splits.Select(s => s.Name()))}) × 2 targets" +
                (options.EncoderSeeds > 1 ? $", × {options.EncoderSeeds} encoder seeds" : ""));
            foreach (var (method, perSeed) in features)
                foreach (var split in splits)
                    foreach (var (target, y) in targets)
                        results.Add(new ProbeResult(plan.Task, method, split, target,
                            ProbeSummary.Of([.. perSeed.SelectMany(x => ProbeRunner.Scores(x, y, runOf, split, options.Seeds))])));
            if (options.InductiveSeeds > 0 && runOf.Distinct().Count() >= 2)
                results.AddRange(Inductive(plan.Task, zoo, runOf, targets, features, cancel));
        }
        Figure2Result? figure2 = null;
        if (options.Figure2 && options.StopAfter == ReproduceStage.Report && options.Tasks.FirstOrDefault(t => t.Task == "covertype") is { } cov && !missing.ContainsKey("covertype"))
            figure2 = StructuralVariants.Run(options.Output, cov, options.EncoderEpochs, options.DataRoot, options.Pe, backend, progress, cancel);
        return new Outcome(results, missing, zooSummary, clock.Elapsed, figure2, reconstruction);
    }

    /// <summary>
    /// The inductive mode: per seed, each inductive encoder is trained on that seed's by-run training runs only
    /// (saved under encoders/TASK/NAME/inductive-seedS, so a rerun reuses it) and embeds every graph. The
    /// baselines need no encoder, so their inductive rows are their by-run scores on the same splits.
    /// </summary>
    private IEnumerable<ProbeResult> Inductive(string task, GraphZoo zoo, List<int> runOf,
        Dictionary<Target, List<double>> targets, Dictionary<Method, List<List<double[]>>> features, CancellationToken cancel)
    {
        int seeds = options.InductiveSeeds;
        foreach (var name in options.InductiveEncoders)
        {
            var config = EncoderConfig.Named(name) with { Epochs = options.EncoderEpochs, K = options.Pe.K };
            var perSeed = new Dictionary<int, IReadOnlyList<double[]>>();
            var byTrainingRuns = new Dictionary<string, (int Seed, IReadOnlyList<double[]> Features)>();
            string SeedDir(int seed) => Path.Combine(options.EncoderDir(task, name, 0), $"inductive-seed{seed}");
            IReadOnlyList<double[]> FeaturesFor(int seed, int[] train)
            {
                if (perSeed.TryGetValue(seed, out var cached)) return cached;
                string dir = SeedDir(seed);
                // Small zoos have few distinct by-run splits: a seed that draws the training runs of an earlier
                // seed would train the identical encoder, so it takes that encoder's embeddings instead.
                string runs = string.Join(",", train.Select(i => runOf[i]).Distinct().Order());
                if (byTrainingRuns.TryGetValue(runs, out var same))
                {
                    progress?.Stage(task, $"{config.Label} inductive", $"seed {seed}: the training runs of seed {same.Seed}; its encoder reused");
                    Directory.CreateDirectory(dir);
                    string from = Path.Combine(SeedDir(same.Seed), "embeddings.csv");
                    Core.AtomicFile.Write(Path.Combine(dir, "embeddings.csv"), s => { using var f = File.OpenRead(from); f.CopyTo(s); });
                    Core.AtomicFile.WriteAllText(Path.Combine(dir, ReusedFromFile), $"inductive-seed{same.Seed}\n");
                    return perSeed[seed] = same.Features;
                }
                progress?.Stage(task, $"{config.Label} inductive", $"seed {seed}: {config.Epochs} epochs on the {train.Length} graphs of the training runs");
                var result = EncoderTraining.Run(config, zoo, dir, backend, new EpochRelay(progress, task, $"{name} inductive {seed}"), cancel,
                    trainOn: [.. train.Select(i => zoo.Graphs[i])]);
                perSeed[seed] = Features(result.Embeddings);
                byTrainingRuns[runs] = (seed, perSeed[seed]);
                return perSeed[seed];
            }
            foreach (var (target, y) in targets)
                yield return new ProbeResult(task, Method.Of(name), Split.Inductive, target, ProbeRunner.EvaluateInductive(FeaturesFor, y, runOf, seeds));
        }
        foreach (var baseline in Method.Baselines.Where(features.ContainsKey))
            foreach (var (target, y) in targets)
                yield return new ProbeResult(task, baseline, Split.Inductive, target,
                    ProbeSummary.Of([.. features[baseline].SelectMany(x => ProbeRunner.Scores(x, y, runOf, Split.ByRun, seeds))]));
    }

    /// <summary>Embedding rows as the probe's feature vectors.</summary>
    internal static List<double[]> Features(IEnumerable<EmbeddingRow> rows) => rows.Select(r => r.Vector.Select(v => (double)v).ToArray()).ToList();

    /// <summary>In an inductive seed's folder when it drew an earlier seed's training runs: names that seed's folder.</summary>
    public const string ReusedFromFile = "reused-from.txt";

    private sealed class EpochRelay(IReproduceProgress? progress, string task, string encoder) : IEncoderProgress
    {
        public void EpochDone(EncoderEpoch epoch, int epochs) => progress?.EncoderEpoch(task, encoder, epoch, epochs);
        public void Note(string message) => progress?.Stage(task, encoder, message);
    }
}
