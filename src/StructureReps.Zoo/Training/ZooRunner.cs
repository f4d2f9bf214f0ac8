using System.Diagnostics;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Zoo.Data;
using StructureReps.Zoo.Models;

namespace StructureReps.Zoo.Training;

/// <summary>What to train: a task, how many runs and epochs, where, which shard, which structural variant.</summary>
public sealed record ZooSpec
{
    public required string Task { get; init; }
    public required int Runs { get; init; }
    public int? Epochs { get; init; }
    public required string Output { get; init; }
    public int ShardIndex { get; init; }
    public int ShardCount { get; init; } = 1;
    public string Variant { get; init; } = "regular";
    public ulong Seed { get; init; }
    public string DataRoot { get; init; } = DataFiles.DefaultRoot();
    /// <summary>Caps on the split sizes (tests and quick runs); null = the whole split.</summary>
    public int? MaxTrain { get; init; }
    public int? MaxTest { get; init; }
    /// <summary>Overrides of the task's default training (e.g. a fixed learning rate for a test).</summary>
    public Func<TrainConfig, TrainConfig>? Adjust { get; init; }
}

/// <summary>Progress events for the CLI's bar: a run started, an epoch ended, a run finished or was skipped.</summary>
public interface IZooProgress
{
    void RunStarted(int run, int totalInShard, int positionInShard, RunInfo info, int resumeFrom);
    void EpochDone(int run, EpochMetrics metrics, int epochs);
    void RunDone(int run, RunSummary summary);
}

public sealed record RunSummary(int Run, RunInfo Info, EpochMetrics Final, bool Skipped, double Seconds);

/// <summary>
/// Trains a zoo: the runs of this shard (run r belongs to shard r mod n), each in `run-NNNN/`. A complete run
/// (all epochs in metrics.csv and its last checkpoint present) is skipped; an interrupted one resumes from the
/// last epoch whose weights, metrics and optimizer state were all saved, and yields the same files as a run
/// that was never interrupted.
/// </summary>
public sealed class ZooRunner(ZooSpec spec, IBackend backend, IZooProgress? progress = null)
{
    public const string ZooJson = "zoo.json";

    public List<RunSummary> Run(CancellationToken cancel = default)
    {
        if (spec.ShardCount < 1 || spec.ShardIndex < 0 || spec.ShardIndex >= spec.ShardCount)
            throw new ArgumentException($"--shard {spec.ShardIndex}/{spec.ShardCount}: expected i/n with 0 ≤ i < n");
        var task = Tasks.Get(spec.Task);
        if (task.Missing(spec.DataRoot) is { } missing) throw new FileNotFoundException($"task {task.Name}: {missing}");
        var data = task.Load(spec.DataRoot, spec.Seed);
        if (spec.MaxTrain is { } mt) data = data with { Train = data.Train.Take(mt) };
        if (spec.MaxTest is { } ms) data = data with { Test = data.Test.Take(ms) };
        AtomicFile.RemoveOrphans(spec.Output); // temporary files of a killed earlier run (a live shard's stay)
        WriteZooJson(task);

        var mine = Enumerable.Range(0, spec.Runs).Where(r => r % spec.ShardCount == spec.ShardIndex).ToList();
        var results = new List<RunSummary>();
        for (int k = 0; k < mine.Count; k++)
        {
            cancel.ThrowIfCancellationRequested();
            results.Add(TrainRun(task, data, mine[k], mine.Count, k, cancel));
        }
        return results;
    }

    private void WriteZooJson(TaskInfo task)
    {
        string path = Path.Combine(spec.Output, ZooJson);
        var text = System.Text.Json.JsonSerializer.Serialize(new
        {
            task = task.Name,
            runs = spec.Runs,
            epochs = spec.Epochs ?? task.Defaults.Epochs,
            seed = spec.Seed,
            variant = spec.Variant,
            network = task.Network,
        }, RunFiles.Json);
        if (!File.Exists(path) || File.ReadAllText(path) != text) AtomicFile.WriteAllText(path, text);
    }

    public RunInfo Describe(TaskInfo task, TaskData data, int run)
    {
        var config = ZooGrid.Draw(task.Defaults, spec.Seed, run, spec.Epochs);
        if (spec.Adjust is not null) config = spec.Adjust(config);
        var arch = Architecture.WithVariant(ZooGrid.Scale(task.Architecture, config.WidthScale), spec.Variant);
        int trainCount = Math.Max(1, (int)Math.Round(data.Train.Count * config.DataFraction));
        return new RunInfo
        {
            Task = task.Name,
            Run = run,
            Architecture = arch,
            Config = config,
            ParameterCount = arch.ParameterCount(),
            Dataset = data.Source,
            Preprocessing = data.Preprocessing,
            TrainSamples = trainCount,
            TestSamples = data.Test.Count,
            Performance = data.Train.IsRegression ? "r2" : "accuracy",
        };
    }

    private RunSummary TrainRun(TaskInfo task, TaskData data, int run, int total, int position, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        string runDir = Path.Combine(spec.Output, $"run-{run:D4}");
        // One process per run folder: shards share the zoo folder, but a run trained twice at once is refused.
        using var exclusive = OutputLock.Acquire(runDir);
        var files = new RunFiles(runDir);
        var info = Describe(task, data, run);
        var existing = files.ReadInfo();
        if (existing is not null && System.Text.Json.JsonSerializer.Serialize(existing, RunFiles.Json) != System.Text.Json.JsonSerializer.Serialize(info, RunFiles.Json))
            throw new InvalidOperationException($"{files.RunJson}: describes a different run than this zoo would train (other task, seed or hyper-parameters); use another --out");
        var config = info.Config;
        int epochs = config.Epochs;

        // The run's fixed training subset (data fraction), seeded by the run.
        var subset = Enumerable.Range(0, data.Train.Count).ToArray();
        Rng.Derive(config.Seed, 999_999).Shuffle(subset);
        var train = data.Train.Subset(subset[..info.TrainSamples]);

        var net = info.Architecture.Build(new Rng(config.Seed), backend, config.Dropout);
        var trainer = new Trainer(net, config, backend);
        var metrics = files.ReadMetrics();
        int start = ResumePoint(files, metrics, epochs);
        if (start == epochs + 1 && metrics.Count == epochs + 1)
        {
            progress?.RunDone(run, new RunSummary(run, info, metrics[^1], true, 0));
            return new RunSummary(run, info, metrics[^1], true, 0);
        }
        if (existing is null) files.WriteInfo(info);
        if (start > 0)
        {
            net.Module.LoadStateDict(Nn.Serialization.SafeTensors.Read(files.Checkpoint(start - 1)).Tensors, files.Checkpoint(start - 1));
            if (start > 1) files.LoadState(net.Module, trainer.Optimizer);
            metrics = metrics.Take(start).ToList();
        }
        progress?.RunStarted(run, total, position, info, start);
        for (int epoch = start; epoch <= epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            if (epoch > 0) trainer.TrainEpoch(train, epoch);
            var (trainPerf, trainLoss) = trainer.Evaluate(train);
            var (testPerf, testLoss) = trainer.Evaluate(data.Test);
            var row = new EpochMetrics(epoch, trainPerf, testPerf, trainLoss, testLoss);
            metrics.Add(row);
            // Order matters for resuming: weights, then metrics, then optimizer state (see ResumePoint).
            files.WriteCheckpoint(epoch, net.Module, task.Name);
            files.WriteMetrics(metrics);
            if (epoch > 0) files.WriteState(epoch, net.Module, trainer.Optimizer);
            progress?.EpochDone(run, row, epochs);
        }
        var summary = new RunSummary(run, info, metrics[^1], false, clock.Elapsed.TotalSeconds);
        progress?.RunDone(run, summary);
        return summary;
    }

    /// <summary>
    /// The first epoch still to compute: one past the last epoch e with metrics, weights and (for e ≥ 1) the
    /// optimizer state of e all on disk. A crash between writing the metrics and the state of e leaves the
    /// state at e − 1, so e is recomputed — deterministically, giving the same numbers.
    /// </summary>
    private static int ResumePoint(RunFiles files, List<EpochMetrics> metrics, int epochs)
    {
        int last = Math.Min(metrics.Count - 1, epochs);
        while (last >= 0 && !File.Exists(files.Checkpoint(last))) last--;
        if (last >= 1) last = Math.Min(last, files.StateEpoch() is var s && s >= 1 ? s : 0);
        return last + 1;
    }
}
