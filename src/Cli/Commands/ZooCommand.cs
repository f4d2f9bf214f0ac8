using System.Globalization;
using StructureReps.Core.Backends;
using StructureReps.Zoo;
using StructureReps.Zoo.Training;

namespace StructureReps.Cli.Commands;

/// <summary>`zoo train` (a zoo of runs with checkpoints per epoch), `zoo show` (a zoo's summary table) and `zoo import`.</summary>
public static class ZooCommand
{
    public static readonly CommandSpec[] Specs =
    [
        new("zoo train", """
            train a model zoo (checkpoint per epoch in safetensors, metrics.csv, run.json); reruns skip
            complete runs and resume interrupted ones
            example: structurereps zoo train --task two-moons --runs 8 --epochs 20 --out zoos/moons
            """,
        [
            new("--task", "T", "the task: " + string.Join(", ", CommonOptions.Tasks), CommonOptions.Tasks),
            new("--runs", "N", "networks to train (default 10)"),
            new("--epochs", "E", "epochs per network (default: the task's)"),
            new("--out", "DIR", "the zoo folder"),
            new("--shard", "i/n", "train only the runs r with r % n = i (one task of a job array)"),
            new("--arch", "A", "regular, deeper or wider (Figure 2's variants)", ["regular", "deeper", "wider"]),
            new("--seed", "S", "the zoo's seed (default 0)"),
            CommonOptions.Data,
            new("--max-train", "N", "use at most N training samples"),
            new("--max-test", "N", "evaluate on at most N test samples"),
            CommonOptions.Device,
        ], Train),
        new("zoo show", "the runs of a zoo, their networks and final performance",
            [new("--zoo", "DIR", "the zoo folder")], Show),
        new("zoo import", """
            networks trained elsewhere (PyTorch state_dicts saved with safetensors.torch.save_file) → a zoo that
            graphs build reads: Linear/Conv2d layers found by shape whatever their names, BatchNorm folded (eval),
            anything else refused by name; FROM of checkpoints = one run, FROM of folders = one run each; epoch =
            the last number in a file's name, gaps allowed; an optional metrics.csv per run gives the targets
            (train_acc, val_accuracy, test_loss, … mapped by name). Pickled .pt files are refused (they can run code)
            example: structurereps zoo import --from my_torch_runs --out zoos/mine
            """,
        [
            new("--from", "DIR", "a folder of safetensors checkpoints, or of run folders"),
            new("--out", "ZOO", "the zoo folder to write"),
            new("--task", "NAME", "the task name the zoo records (default: imported)"),
            new("--input", "C,H,W", "a CNN's input size (default: C,32,32)"),
            new("--each-file-a-network", null, "every file of FROM is its own network, its targets in FROM/metrics.csv by a file column"),
        ], Import),
    ];

    /// <summary>`zoo SUBCOMMAND …`, as the command line gives it.</summary>
    public static int Run(string[] args) => CommandLine.Run(["zoo", .. args]);

    private static int Train(Args opts)
    {
        var (shardIndex, shardCount) = ParseShard(opts.String("--shard"));
        var spec = new ZooSpec
        {
            Task = opts.Required("--task"),
            Runs = opts.Count("--runs") ?? 10,
            Epochs = opts.Count("--epochs"),
            Output = opts.RequiredPath("--out"),
            ShardIndex = shardIndex,
            ShardCount = shardCount,
            Variant = opts.String("--arch") is { } arch && arch is not ("regular" or "deeper" or "wider")
                ? throw new UsageException($"--arch: '{arch}' is not one of regular, deeper, wider") : opts.String("--arch") ?? "regular",
            Seed = (ulong)(opts.Int("--seed") ?? 0),
            DataRoot = opts.PathOption("--data") ?? Zoo.Data.DataFiles.DefaultRoot(),
            MaxTrain = opts.Count("--max-train"),
            MaxTest = opts.Count("--max-test"),
        };
        IBackend backend = Backends.Select(opts);
        opts.EnsureAllUsed();
        var task = Tasks.Get(spec.Task);
        Console.WriteLine($"zoo: {task.Name}, {task.Network} ({spec.Variant}), {spec.Runs} runs × {spec.Epochs ?? task.Defaults.Epochs} epochs, shard {shardIndex}/{shardCount}, backend {backend.Name} → {spec.Output}");
        var bar = new ZooProgressBar();
        var results = new ZooRunner(spec, backend, bar).Run(Interrupt.Token);
        bar.Finish();
        PrintSummary(results);
        return 0;
    }

    private static int Import(Args opts)
    {
        bool eachFile = opts.Flag("--each-file-a-network");
        string from = opts.RequiredPath("--from"), output = opts.RequiredPath("--out");
        string task = opts.String("--task") ?? "imported";
        string? inputText = opts.String("--input");
        int[]? input = null;
        if (inputText is not null)
        {
            var parts = inputText.Split(',');
            input = parts.Select(p => int.TryParse(p, CultureInfo.InvariantCulture, out int v) && v >= 1 ? v : -1).ToArray();
            if (input.Length != 3 || input.Any(v => v < 1)) throw new UsageException($"--input: '{inputText}' is not C,H,W (three positive integers)");
        }
        opts.EnsureAllUsed();
        var runs = Zoo.Import.ZooImport.Import(from, output, task, input, Interrupt.Token, eachFile);
        TextTable.Print(["run", "from", "network", "checkpoints", "missing epochs", "targets"], runs.Select(r => (IReadOnlyList<string>)
        [
            r.Run.ToString(CultureInfo.InvariantCulture), r.Source, r.Architecture,
            $"{r.Epochs.Length} (epochs {r.Epochs[0]}–{r.Epochs[^1]})", r.Gaps.Length == 0 ? "none" : string.Join(",", r.Gaps.Take(12)) + (r.Gaps.Length > 12 ? ", …" : ""),
            r.Targets,
        ]).ToList());
        Console.WriteLine($"\n{runs.Count} runs → {output}; next: graphs build --zoo {output} --out GRAPHS");
        return 0;
    }

    internal static (int, int) ParseShard(string? text)
    {
        if (text is null) return (0, 1);
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int i) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int n) && n >= 1 && i >= 0 && i < n)
            return (i, n);
        throw new UsageException($"--shard: '{text}' is not i/n with 0 ≤ i < n");
    }

    private static void PrintSummary(List<RunSummary> results)
    {
        Console.WriteLine();
        TextTable.Print(["run", "params", "optim", "lr", "wd", "dropout", "data", "train", "test", "seconds", ""],
            results.Select(r => (IReadOnlyList<string>)
            [
                r.Run.ToString(CultureInfo.InvariantCulture), r.Info.ParameterCount.ToString(CultureInfo.InvariantCulture), r.Info.Config.Optimizer,
                r.Info.Config.LearningRate.ToString("G3", CultureInfo.InvariantCulture), r.Info.Config.WeightDecay.ToString("G2", CultureInfo.InvariantCulture),
                r.Info.Config.Dropout.ToString("G2", CultureInfo.InvariantCulture), r.Info.TrainSamples.ToString(CultureInfo.InvariantCulture),
                r.Final.TrainPerformance.ToString("F4", CultureInfo.InvariantCulture), r.Final.TestPerformance.ToString("F4", CultureInfo.InvariantCulture),
                r.Skipped ? "—" : r.Seconds.ToString("F1", CultureInfo.InvariantCulture), r.Skipped ? "(already complete)" : "",
            ]));
        if (results.Count > 0)
            Console.WriteLine($"\n{results.Count} runs; final {results[0].Info.Performance}: train mean {results.Average(r => r.Final.TrainPerformance):F4}, test mean {results.Average(r => r.Final.TestPerformance):F4}");
    }

    private static int Show(Args opts)
    {
        string dir = opts.RequiredPath("--zoo");
        opts.EnsureAllUsed();
        var runs = Directory.GetDirectories(dir, "run-*").Order().Select(d => new RunFiles(d)).ToList();
        if (runs.Count == 0) throw new UsageException($"{dir}: no run-* folders (not a zoo?)");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var r in runs)
        {
            var info = r.ReadInfo();
            var m = r.ReadMetrics();
            if (info is null) continue;
            rows.Add([info.Run.ToString(CultureInfo.InvariantCulture), info.Architecture.ToString(), info.Config.Optimizer,
                (m.Count - 1).ToString(CultureInfo.InvariantCulture) + "/" + info.Config.Epochs.ToString(CultureInfo.InvariantCulture),
                m.Count > 0 ? m[^1].TrainPerformance.ToString("F4", CultureInfo.InvariantCulture) : "—",
                m.Count > 0 ? m[^1].TestPerformance.ToString("F4", CultureInfo.InvariantCulture) : "—"]);
        }
        TextTable.Print(["run", "network", "optim", "epochs", "train", "test"], rows);
        return 0;
    }

    private sealed class ZooProgressBar : IZooProgress
    {
        private readonly ProgressBar _bar = new("epochs");
        private int _total, _position;

        public void RunStarted(int run, int totalInShard, int positionInShard, RunInfo info, int resumeFrom)
        {
            _total = totalInShard;
            _position = positionInShard;
            if (resumeFrom > 0)
            {
                _bar.Done();
                Console.WriteLine($"run {run}: resuming at epoch {resumeFrom}");
                // The epochs on disk took no time now: they count neither towards the rate nor the time left.
                _bar.Update((_position + (double)resumeFrom / (info.Config.Epochs + 1)) / Math.Max(1, _total), $"run #{run} resumed", units: 0);
            }
        }

        public void EpochDone(int run, EpochMetrics m, int epochs) =>
            _bar.Update((_position + (m.Epoch + 1.0) / (epochs + 1)) / Math.Max(1, _total),
                $"run {_position + 1}/{_total} (#{run}) epoch {m.Epoch}/{epochs}  train {m.TrainPerformance:F3}  test {m.TestPerformance:F3}",
                force: m.Epoch == epochs);

        public void RunDone(int run, RunSummary s)
        {
            if (s.Skipped) _bar.Update((_position + 1.0) / Math.Max(1, _total), $"run #{run} already complete", force: true, units: 0);
        }

        public void Note(int run, string message)
        {
            _bar.Done();
            Console.WriteLine(message);
        }

        public void Finish() => _bar.Done();
    }
}
