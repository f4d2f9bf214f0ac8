using System.Globalization;
using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Encoding;
using StructureReps.Pipeline.Reports;

namespace StructureReps.Cli.Commands;

/// <summary>`reproduce`: every task × the four encoders → report.md, beside the paper's numbers.</summary>
public static class ReproduceCommand
{
    /// <summary>The stages --stop-after takes, by name (before the specs: their completions list them).</summary>
    private static readonly Dictionary<string, ReproduceStage> StopStages =
        new[] { ReproduceStage.Zoo, ReproduceStage.Graphs, ReproduceStage.Encoders }
            .ToDictionary(stage => stage.ToString().ToLowerInvariant());

    /// <summary>`reproduce`'s options (also `slurm`'s, which passes them on to its jobs).</summary>
    public static readonly OptionSpec[] ReproduceOptionSpecs =
    [
        new("--quick", null, "the quick plan: small zoos and 20 encoder epochs, minutes per task"),
        new("--paper", null, "the paper's protocol: one network per task, 200 epochs, a graph per epoch, 200 encoder epochs, random split"),
        new("--tasks", "a,b,…", "the tasks (default: all six): " + string.Join(", ", CommonOptions.Tasks)),
        new("--encoders", "a,b,…", "encoders, each optionally NAME:DECODER (default: the paper's four and ea-tc-lf:distance)"),
        new("--runs", "N", "networks per task (default: the plan's)"),
        new("--epochs", "N", "epochs per network (default: the plan's)"),
        new("--encoder-epochs", "N", "encoder training epochs (default 200, quick 20)"),
        new("--seeds", "N", "probe seeds (default 5)"),
        new("--encoder-seeds", "N", "initializations per encoder, their probes pooled (default 1)"),
        new("--inductive-seeds", "N", "by-run splits with an encoder trained on the training runs only (default 5; 0 skips)"),
        new("--inductive-encoders", "a,b,…", "the encoders of the inductive mode (default ea-tc-lf)"),
        new("--no-figure2", null, "skip Figure 2 (covertype's regular/deeper/wider variants)"),
        new("--out", "DIR", "the run folder (default runs/reproduce, runs/reproduce-quick or runs/paper)"),
        CommonOptions.Data,
        .. GraphsCommand.PeOptionSpecs,
    ];

    public static readonly CommandSpec[] Specs =
    [
        new("reproduce", """
            every task × the four encoders and EA+TC+LF with the distance decoder, the untrained-encoder
            baseline, split modes random, by-run and inductive, baselines → DIR/report.md (Tables 1–2 beside the
            paper's) and, with covertype, Figure 2; reruns reuse every stage on disk. A task whose data is
            missing is listed as such
            example: structurereps reproduce --quick
            """,
        [
            .. ReproduceOptionSpecs,
            new("--plan", null, "print each stage's estimated time, measured here, and run nothing"),
            new("--stop-after", "STAGE", "zoo, graphs or encoders: stop every task after that stage (no report), for a later run to reuse",
                [.. StopStages.Keys]),
            CommonOptions.Device,
        ], Reproduce),
    ];

    /// <summary>`reproduce …`, as the command line gives it.</summary>
    public static int Reproduce(string[] args) => CommandLine.Run(["reproduce", .. args]);

    private static int Reproduce(Args opts)
    {
        bool planOnly = opts.Flag("--plan");
        var options = ReadOptions(opts);
        bool quick = options.Quick, paper = options.Paper;
        var tasks = options.Tasks.Select(t => t.Task);
        var encoders = options.Encoders;
        var backend = Backends.Select(opts);
        opts.EnsureAllUsed();
        if (planOnly) return PrintPlan(options, backend);
        Console.WriteLine($"reproduce ({(quick ? "quick" : paper ? "paper" : "full")}): tasks {string.Join(", ", tasks)}; encoders {string.Join(", ", encoders)}; {options.EncoderEpochs} encoder epochs → {options.Output}");
        var outcome = new Reproduction(options, backend, new StageProgress()).Run(Interrupt.Token);
        if (options.StopAfter != ReproduceStage.Report)
        {
            Console.WriteLine($"\nstopped after the {options.StopAfter.ToString().ToLowerInvariant()} stage ({outcome.Elapsed.TotalMinutes:F1} min); run again without --stop-after for the report");
            return 0;
        }
        string report = Path.Combine(options.Output, "report.md");
        Directory.CreateDirectory(options.Output);
        ReportWriter.Write(report, ReportWriter.Render(outcome, options, "structurereps reproduce " + opts.CommandLine()));
        PrintTable(outcome, options);
        Console.WriteLine($"\nreport → {report}  ({outcome.Elapsed.TotalMinutes:F1} min)");
        return 0;
    }

    /// <summary>`reproduce`'s options (also read by `slurm`, which passes them on to its jobs).</summary>
    internal static ReproduceOptions ReadOptions(Args opts)
    {
        bool quick = opts.Flag("--quick"), paper = opts.Flag("--paper");
        if (quick && paper) throw new UsageException("--quick and --paper: choose one");
        var tasks = (opts.String("--tasks") ?? string.Join(",", CommonOptions.Tasks)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        // The paper's four, then EA+TC+LF with the decoder that can reconstruct layered graphs (see PairDecoders.cs).
        var encoders = (opts.String("--encoders") ?? string.Join(",", [.. EncoderConfig.Names, "ea-tc-lf:distance"])).Split(',', StringSplitOptions.RemoveEmptyEntries);
        CheckEncoders("--encoders", encoders);
        foreach (var t in tasks) _ = Zoo.Tasks.Get(t);
        var inductive = (opts.String("--inductive-encoders") ?? "ea-tc-lf").Split(',', StringSplitOptions.RemoveEmptyEntries);
        CheckEncoders("--inductive-encoders", inductive);
        return new ReproduceOptions
        {
            Output = opts.PathOption("--out") ?? (quick ? "runs/reproduce-quick" : paper ? "runs/paper" : "runs/reproduce"),
            Tasks = ReproduceOptions.Plan(tasks, quick, paper).Select(p => p with { Runs = opts.Count("--runs") ?? p.Runs, Epochs = opts.Count("--epochs") ?? p.Epochs }).ToList(),
            Encoders = encoders,
            EncoderEpochs = opts.Count("--encoder-epochs") ?? (quick ? 20 : 200),
            Seeds = opts.Int("--seeds", min: 2) ?? 5,
            EncoderSeeds = opts.Int("--encoder-seeds", min: 1, max: 100) ?? 1,
            DataRoot = opts.PathOption("--data") ?? Zoo.Data.DataFiles.DefaultRoot(),
            Pe = GraphsCommand.PeOptions(opts),
            Quick = quick,
            Paper = paper,
            Figure2 = !opts.Flag("--no-figure2"),
            InductiveEncoders = inductive,
            InductiveSeeds = opts.Int("--inductive-seeds") ?? 5,
            StopAfter = opts.String("--stop-after") switch
            {
                null => ReproduceStage.Report,
                var name when StopStages.TryGetValue(name, out var stage) => stage,
                var other => throw new UsageException(
                    $"--stop-after: '{other}' is not one of {string.Join(", ", StopStages.Keys)}"),
            },
        };
    }

    /// <summary>`reproduce … --plan`: each stage's estimated time from costs measured now; nothing is trained.</summary>
    private static int PrintPlan(ReproduceOptions options, StructureReps.Core.Backends.IBackend backend)
    {
        Console.WriteLine($"plan for {options.Output} (measuring each task's costs on this machine, {Environment.ProcessorCount} cores):");
        var stages = ReproductionPlan.Estimate(options, backend, task => Console.WriteLine($"  measuring {task} …"));
        string Time(double s) => s <= 0 ? "—" : s < 90 ? $"{s:F0} s" : s < 5400 ? $"{s / 60:F0} min" : $"{s / 3600:F1} h";
        TextTable.Print(["task", "stage", "work", "estimate", "status"], stages.Select(s => (IReadOnlyList<string>)[s.Task, s.Stage, s.Work, Time(s.Seconds), s.Status]).ToList());
        Console.WriteLine($"\ntotal ≈ {Time(stages.Sum(s => s.Seconds))} (estimates ±50 %: one measurement each, on a shared machine). Run without --plan to start; reruns resume.");
        return 0;
    }

    private static void CheckEncoders(string option, IEnumerable<string> names)
    {
        foreach (var e in names)
        {
            try { _ = EncoderConfig.Named(e); }
            catch (ArgumentException) { throw new UsageException($"{option}: '{e}' is not one of {string.Join(", ", EncoderConfig.Names)}, optionally with :DECODER ({string.Join(", ", StructureReps.Graphs.Layers.PairDecoder.Names)})"); }
        }
    }


    internal static void PrintTable(Reproduction.Outcome outcome, ReproduceOptions options)
    {
        Console.WriteLine();
        foreach (var (task, why) in outcome.Missing) Console.WriteLine($"{task}: not run — {why}");
        var rows = new List<IReadOnlyList<string>>();
        Method[] methods = [.. options.Encoders.Select(Method.Of), .. outcome.Results.Any(r => r.Method == Method.Untrained) ? [Method.Untrained] : Array.Empty<Method>(),
            Method.Epoch, Method.StatNn];
        bool inductive = outcome.Results.Any(r => r.Split == Split.Inductive);
        Split[] splits = inductive ? [.. Splits.Modes, Split.Inductive] : Splits.Modes;
        foreach (var task in options.Tasks.Select(t => t.Task).Where(t => !outcome.Missing.ContainsKey(t)))
            foreach (var m in methods)
            {
                var cells = new List<string> { task, m.Label };
                foreach (var split in splits)
                    foreach (var target in ProbeNames.Targets)
                        cells.Add(outcome.Results.Find(task, m, split, target)?.Summary.Format() ?? "—");
                cells.Add(PaperNumbers.Get(m, task, Target.Train) is { } p1 && PaperNumbers.Get(m, task, Target.Test) is { } p2
                    ? string.Create(CultureInfo.InvariantCulture, $"{p1.Mean:F2} / {p2.Mean:F2}") : "");
                rows.Add(cells);
            }
        Console.WriteLine(options.EncoderSeeds > 1
            ? $"Pearson r of the probe on held-out checkpoints, mean (variance) over {options.EncoderSeeds} encoder seeds × {options.Seeds} probe seeds:"
            : $"Pearson r of the probe on held-out checkpoints, mean (variance) over {options.Seeds} seeds:");
        TextTable.Print(["task", "encoder", .. splits.SelectMany(sp => new[] { $"{sp.Name()}: train", $"{sp.Name()}: test" }), "paper train / test"], rows);
    }

    internal sealed class StageProgress : IReproduceProgress
    {
        private ProgressBar _bar = new("epochs");

        // Each stage gets its own bar: its clock, rate and time left are that stage's.
        public void Stage(string task, string stage, string detail)
        {
            _bar.Done();
            _bar = new ProgressBar("epochs");
            Console.WriteLine($"[{task}] {stage}: {detail}");
        }

        public void EncoderEpoch(string task, string encoder, EncoderEpoch e, int epochs)
        {
            if (_bar.Fresh) _bar.Skip((e.Epoch - 1.0) / epochs); // a resumed encoder: the epochs on disk took no time now
            _bar.Update((double)e.Epoch / epochs, string.Create(CultureInfo.InvariantCulture,
                $"[{task}] {encoder} epoch {e.Epoch}/{epochs}  loss {e.Loss:F4}  AUC {e.Auc:F3}"), force: e.Epoch == epochs);
        }
    }


}
