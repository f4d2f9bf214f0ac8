using StructureReps.Nn.Training;
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
    /// <summary>Something the user should know about a run: a resume that had to start over, a divergence.</summary>
    void Note(int run, string message) { }
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
            throw new ArgumentException($"shard {spec.ShardIndex}/{spec.ShardCount}: expected i/n with 0 ≤ i < n");
        var task = Tasks.Get(spec.Task);
        if (task.Missing(spec.DataRoot) is { } missing) throw new FileNotFoundException($"task {task.Name}: {missing}");
        var data = task.Load(spec.DataRoot, spec.Seed);
        if (spec.MaxTrain is { } mt) data = data with { Train = data.Train.Take(mt) };
        if (spec.MaxTest is { } ms) data = data with { Test = data.Test.Take(ms) };
        Directory.CreateDirectory(spec.Output);
        WriteZooJson(task);
        // Temporary files of a killed earlier run: unsharded, all of them whose process is gone; a shard removes only
        // those of the runs it holds (below), as another node's live process would look gone from here.
        if (spec.ShardCount == 1) AtomicFile.RemoveOrphans(spec.Output);

        var mine = Enumerable.Range(0, spec.Runs).Where(r => r % spec.ShardCount == spec.ShardIndex).ToList();
        var results = new List<RunSummary>();
        for (int k = 0; k < mine.Count; k++)
        {
            cancel.ThrowIfCancellationRequested();
            results.Add(TrainRun(task, data, mine[k], mine.Count, k, cancel));
        }
        return results;
    }

    /// <summary>
    /// zoo.json: what the zoo is. Checked before anything is written: a folder holding another zoo (task, epochs,
    /// seed, variant) is refused untouched; only the run count may change (a zoo grows by more runs).
    /// </summary>
    private void WriteZooJson(TaskInfo task)
    {
        string path = Path.Combine(spec.Output, ZooJson);
        var zoo = new ZooDescription(task.Name, spec.Runs, spec.Epochs ?? task.Defaults.Epochs, spec.Seed, spec.Variant, task.Network);
        var text = System.Text.Json.JsonSerializer.Serialize(zoo, RunFiles.Json);
        if (File.Exists(path))
        {
            ZooDescription? old;
            try { old = System.Text.Json.JsonSerializer.Deserialize<ZooDescription>(File.ReadAllText(path), RunFiles.Json); }
            catch (System.Text.Json.JsonException e) { throw new DataFormatException(path, "zoo.json", $"not a zoo description ({e.Message})"); }
            if (old is null || old with { Runs = zoo.Runs } != zoo)
                throw new InvalidOperationException($"{path}: holds another zoo (task {old?.Task}, {old?.Epochs} epochs, seed {old?.Seed}, variant {old?.Variant}); " +
                    $"this command trains task {zoo.Task}, {zoo.Epochs} epochs, seed {zoo.Seed}, variant {zoo.Variant}").With(Remedy.OtherOutput);
            if (File.ReadAllText(path) == text) return;
        }
        AtomicFile.WriteAllText(path, text);
    }

    private sealed record ZooDescription(string Task, int Runs, int Epochs, ulong Seed, string Variant, string Network);

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
        AtomicFile.RemoveTemporaries(runDir);
        var files = new RunFiles(runDir);
        var checkpoints = new CheckpointedRun(runDir);
        var info = Describe(task, data, run);
        var existing = files.ReadInfo();
        if (existing is not null && System.Text.Json.JsonSerializer.Serialize(existing, RunFiles.Json) != System.Text.Json.JsonSerializer.Serialize(info, RunFiles.Json))
            throw new InvalidOperationException($"{files.RunJson}: describes a different run than this zoo would train (other task, seed or hyper-parameters)").With(Remedy.OtherOutput);
        var config = info.Config;
        int epochs = config.Epochs;

        // The run's fixed training subset (data fraction), seeded by the run.
        var subset = Enumerable.Range(0, data.Train.Count).ToArray();
        Rng.Derive(config.Seed, 999_999).Shuffle(subset);
        var train = data.Train.Subset(subset[..info.TrainSamples]);

        var net = info.Architecture.Build(new Rng(config.Seed), backend, config.Dropout);
        var trainer = new Trainer(net, config, backend);
        var metrics = files.ReadMetrics();
        if (metrics.Count > epochs + 1)
            throw new DataFormatException(files.MetricsCsv, "rows", $"epochs 0–{metrics.Count - 1}, but {files.RunJson} trains {epochs} epochs: " +
                "not this run's log (delete the run folder to train it again)");
        int start = checkpoints.ResumePoint(Math.Min(metrics.Count - 1, epochs), e => File.Exists(files.Checkpoint(e)), out string? restart) + 1;
        if (restart is not null) progress?.Note(run, $"run {run}: {restart}; retraining from epoch 0 (same seed, same numbers)");
        bool diverged = start > 0 && start == metrics.Count && !Finite(metrics[start - 1]);
        if ((start == epochs + 1 && metrics.Count == epochs + 1) || diverged)
        {
            progress?.RunDone(run, new RunSummary(run, info, metrics[^1], true, 0));
            return new RunSummary(run, info, metrics[^1], true, 0);
        }
        if (existing is null) files.WriteInfo(info);
        if (start > 0)
        {
            string resumeFrom = files.Checkpoint(start - 1);
            var weights = Nn.Serialization.SafeTensors.Read(resumeFrom).Tensors;
            // Its metrics row is finite (a diverged run does not resume): NaN weights here are damage, not training.
            if (weights.FirstOrDefault(t => t.Data.Any(v => !float.IsFinite(v))) is { } bad)
                throw new DataFormatException(resumeFrom, bad.Name, "holds NaN or infinite values, but its epoch's losses are finite (a damaged checkpoint); delete the run folder to retrain it");
            net.Module.LoadStateDict(weights, resumeFrom);
            if (start > 1) checkpoints.LoadState(net.Module, trainer.Optimizer);
        }
        metrics = metrics.Take(start).ToList(); // rows past the resume point are recomputed (none kept when starting afresh)
        progress?.RunStarted(run, total, position, info, start);
        for (int epoch = start; epoch <= epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            if (epoch > 0) trainer.TrainEpoch(train, epoch);
            var (trainPerf, trainLoss) = trainer.Evaluate(train);
            var (testPerf, testLoss) = trainer.Evaluate(data.Test);
            var row = new EpochMetrics(epoch, trainPerf, testPerf, trainLoss, testLoss);
            metrics.Add(row);
            checkpoints.Save(epoch, () => files.WriteCheckpoint(epoch, net.Module, task.Name), () => files.WriteMetrics(metrics), net.Module, trainer.Optimizer);
            progress?.EpochDone(run, row, epochs);
            if (!Finite(row))
            {
                // Nothing meaningful follows a NaN or infinite loss; the run ends here and counts as complete
                // (a rerun skips it, graphs build takes its epochs before the divergence).
                progress?.Note(run, $"run {run}: diverged at epoch {epoch} (train loss {row.TrainLoss}, test loss {row.TestLoss}); the run stops there");
                break;
            }
        }
        var summary = new RunSummary(run, info, metrics[^1], false, clock.Elapsed.TotalSeconds);
        progress?.RunDone(run, summary);
        return summary;
    }

    private static bool Finite(EpochMetrics m) => double.IsFinite(m.TrainLoss) && double.IsFinite(m.TestLoss);
}
