using System.Globalization;
using StructureReps.Decoding.Probing;
using StructureReps.Pipeline.Reports;
using StructureReps.Graphs.Encoding;
using StructureReps.Services.Prediction;
using StructureReps.Services.Probing;

namespace StructureReps.Cli.Commands;

/// <summary>
/// `reproduce` (every task × the four encoders → report.md), the default no-argument demo (two-moons,
/// EA+TC+LF, quick), and `decode` (the probe on one embeddings CSV).
/// </summary>
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
        new("demo", """
            the quick end-to-end run on two-moons: zoo → graphs → EA+TC+LF → probe, with the paper's number (also: no command)
            example: structurereps
            """,
        [
            new("--out", "DIR", "the run folder (default runs/demo; reused on a rerun)"),
            new("--runs", "N", "networks (default 10)"),
            new("--epochs", "N", "epochs per network (default 25)"),
            new("--encoder-epochs", "N", "encoder epochs (default 40)"),
            CommonOptions.Device,
        ], Demo),
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
        new("decode", """
            the ridge probe on one embeddings CSV: Pearson, Spearman, Kendall, R² for both splits and targets,
            beside the untrained encoder (embeddings-untrained.csv, written by encode train) and the epoch number
            example: structurereps decode --embeddings enc/moons/embeddings.csv --save-probe enc/moons/probe.json
            """,
        [
            new("--embeddings", "FILE", "embeddings.csv (encode train or encode embed)"),
            new("--seeds", "N", "probe seeds (default 5)"),
            new("--save-probe", "FILE", "fit the probe on every row and save it for `predict`"),
            new("--encoder", "FILE", "the encoder that made the embeddings (default: encoder.safetensors beside the CSV)"),
        ], Decode),
        new("predict", """
            unseen networks' train/test performance from their weights: each checkpoint (ours or a PyTorch
            state_dict in safetensors) → graph → the encoder's embedding → the saved probe
            example: structurereps predict --encoder enc/moons/encoder.safetensors --probe enc/moons/probe.json net.safetensors
            """,
        [
            new("--encoder", "FILE|DIR", "encoder.safetensors, or the encode train folder"),
            new("--probe", "FILE", "probe.json (decode --save-probe)"),
            new("--embedding", null, "also print each embedding"),
            new("--input", "C,H,W", "a CNN's input size (default: C,32,32)"),
            CommonOptions.Device,
        ], Predict, new ArgumentSpec("CHECKPOINT", "networks as safetensors files", Many: true)),
        new("plot", """
            the embeddings' 2-D PCA, coloured by a target (ScottPlot, headless)
            example: structurereps plot --embeddings enc/moons/embeddings.csv --out moons.png
            """,
        [
            new("--embeddings", "FILE", "embeddings.csv"),
            new("--out", "PNG", "the picture"),
            new("--color", "BY", "test (default), train, epoch or run", ["test", "train", "epoch", "run"]),
        ], Plot),
    ];

    /// <summary>`reproduce …`, as the command line gives it.</summary>
    public static int Reproduce(string[] args) => CommandLine.Run(["reproduce", .. args]);

    /// <summary>`demo …`, as the command line gives it.</summary>
    public static int Demo(string[] args) => CommandLine.Run(["demo", .. args]);

    /// <summary>`decode …`, as the command line gives it.</summary>
    public static int Decode(string[] args) => CommandLine.Run(["decode", .. args]);

    /// <summary>`predict …`, as the command line gives it.</summary>
    public static int Predict(string[] args) => CommandLine.Run(["predict", .. args]);

    /// <summary>`plot …`, as the command line gives it.</summary>
    public static int Plot(string[] args) => CommandLine.Run(["plot", .. args]);

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
        var tasks = (opts.String("--tasks") ?? "two-moons,california-housing,covertype,cifar10,imagenet-subset,fashion-mnist").Split(',', StringSplitOptions.RemoveEmptyEntries);
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
            catch (ArgumentException) { throw new UsageException($"{option}: '{e}' is not one of {string.Join(", ", EncoderConfig.Names)}, optionally with :DECODER (inner, bilinear, distance)"); }
        }
    }

    /// <summary>The default run: a quick two-moons zoo, its graphs, EA+TC+LF, the probe; the table beside the paper's number.</summary>
    internal static int Demo(Args opts)
    {
        var options = new ReproduceOptions
        {
            Output = opts.PathOption("--out") ?? Path.Combine("runs", "demo"),
            Tasks = [new TaskPlan("two-moons", opts.Count("--runs") ?? 10, opts.Count("--epochs") ?? 25)],
            Encoders = ["ea-tc-lf", "ea-tc-lf:distance"], // the paper's model, and the decoder that learns on layered graphs
            EncoderEpochs = opts.Count("--encoder-epochs") ?? 40,
            Seeds = 5,
            Quick = true,
            InductiveSeeds = 0, // the demo stays under a minute; `reproduce` runs the inductive mode
        };
        var backend = Backends.Select(opts);
        opts.EnsureAllUsed();
        Console.WriteLine("""
            StructureReps.NET — decoding a network's accuracy from its weights.
            Demo: a zoo of two-moons MLPs (2-20-20-2) → one graph per checkpoint (neurons = nodes, weights = edges,
            Laplacian eigenvector features) → the EA+TC+LF variational graph autoencoder (the paper's inner-product
            decoder, and the distance decoder that can reconstruct layered graphs) → one vector per checkpoint → a
            linear probe that predicts each checkpoint's accuracy. `--help` lists every command.
            """);
        Console.WriteLine($"work folder {Path.GetFullPath(options.Output)} (reused on a rerun)\n");
        var outcome = new Reproduction(options, backend, new StageProgress()).Run(Interrupt.Token);
        PrintTable(outcome, options);
        Console.WriteLine($"\ndone in {outcome.Elapsed.TotalSeconds:F0} s. The paper trains 200 epochs on larger zoos; `reproduce --quick` runs every task and encoder.");
        return 0;
    }

    private static void PrintTable(Reproduction.Outcome outcome, ReproduceOptions options)
    {
        Console.WriteLine();
        foreach (var (task, why) in outcome.Missing) Console.WriteLine($"{task}: not run — {why}");
        var rows = new List<IReadOnlyList<string>>();
        string[] methods = [.. options.Encoders, .. outcome.Results.Any(r => r.Method == "untrained") ? new[] { "untrained" } : [], "epoch", "statnn"];
        bool inductive = outcome.Results.Any(r => r.Split == Splits.Inductive);
        string[] splits = inductive ? [.. Splits.Modes, Splits.Inductive] : Splits.Modes;
        foreach (var task in options.Tasks.Select(t => t.Task).Where(t => !outcome.Missing.ContainsKey(t)))
            foreach (var m in methods)
            {
                string label = m switch
                {
                    "epoch" => "baseline: epoch",
                    "statnn" => "baseline: StatNN",
                    "untrained" => "baseline: untrained",
                    _ => EncoderConfig.Named(m).Label,
                };
                var cells = new List<string> { task, label };
                foreach (var split in splits)
                    foreach (var target in new[] { "train", "test" })
                        cells.Add(outcome.Results.FirstOrDefault(r => r.Task == task && r.Method == m && r.Split == split && r.Target == target)?.Summary.Format() ?? "—");
                cells.Add(PaperNumbers.Get(m, task, "train") is { } p1 && PaperNumbers.Get(m, task, "test") is { } p2
                    ? string.Create(CultureInfo.InvariantCulture, $"{p1.Mean:F2} / {p2.Mean:F2}") : "");
                rows.Add(cells);
            }
        Console.WriteLine(options.EncoderSeeds > 1
            ? $"Pearson r of the probe on held-out checkpoints, mean (variance) over {options.EncoderSeeds} encoder seeds × {options.Seeds} probe seeds:"
            : $"Pearson r of the probe on held-out checkpoints, mean (variance) over {options.Seeds} seeds:");
        TextTable.Print(["task", "encoder", .. splits.SelectMany(sp => new[] { $"{sp}: train", $"{sp}: test" }), "paper train / test"], rows);
    }

    private sealed class StageProgress : IReproduceProgress
    {
        private readonly ProgressBar _bar = new("epochs");

        public void Stage(string task, string stage, string detail)
        {
            _bar.Done();
            Console.WriteLine($"[{task}] {stage}: {detail}");
        }

        public void EncoderEpoch(string task, string encoder, EncoderEpoch e, int epochs) =>
            _bar.Update((double)e.Epoch / epochs, string.Create(CultureInfo.InvariantCulture,
                $"[{task}] {encoder} epoch {e.Epoch}/{epochs}  loss {e.Loss:F4}  AUC {e.Auc:F3}"), force: e.Epoch == epochs);
    }

    /// <summary>`plot --embeddings CSV --out PNG`: the embeddings' 2-D PCA coloured by a target.</summary>
    private static int Plot(Args opts)
    {
        string path = opts.RequiredPath("--embeddings"), output = opts.RequiredPath("--out");
        string color = opts.String("--color") ?? "test";
        if (color is not ("test" or "train" or "epoch" or "run")) throw new UsageException($"--color: '{color}' is not test, train, epoch or run");
        opts.EnsureAllUsed();
        var rows = Embedder.ReadCsv(path);
        if (rows.Count < 2) throw new StructureReps.Core.DataFormatException(path, "rows", $"{rows.Count} embeddings; a PCA plot needs at least 2");
        var (x, y) = Plots.Pca2(rows.Select(r => r.Vector.Select(v => (double)v).ToArray()).ToList());
        Func<EmbeddingRow, double> value = color switch
        {
            "test" => r => r.Targets.TestPerformance,
            "train" => r => r.Targets.TrainPerformance,
            "epoch" => r => r.Targets.Epoch,
            "run" => r => r.Targets.Run,
            _ => throw new UsageException($"--color: '{color}' is not test, train, epoch or run"),
        };
        Plots.ScatterByValue(output, $"{Path.GetFileName(path)}: PCA of {rows.Count} embeddings, colour = {color}", x, y, rows.Select(value).ToArray());
        Console.WriteLine($"{rows.Count} embeddings → {output}");
        return 0;
    }

    /// <summary>Written by `encode train` beside embeddings.csv: the same encoder with its initial weights.</summary>
    public const string UntrainedEmbeddings = EmbeddingsDecoding.UntrainedEmbeddings;

    /// <summary>`decode --embeddings CSV`: the probe on one embeddings file, both splits and targets.</summary>
    private static int Decode(Args opts)
    {
        string path = opts.RequiredPath("--embeddings");
        int seeds = opts.Int("--seeds", min: 2) ?? 5;
        string? saveProbe = opts.PathOption("--save-probe");
        string? encoderPath = opts.PathOption("--encoder");
        if (encoderPath is not null && saveProbe is null) throw new UsageException("--encoder: only with --save-probe");
        opts.EnsureAllUsed();
        encoderPath ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, EncoderTrainer.EncoderFileName);
        if (saveProbe is not null && !File.Exists(encoderPath)) // before the probe runs, not after
            throw new FileNotFoundException($"{encoderPath}: not found; --save-probe needs the encoder that made {path} (--encoder FILE)", encoderPath);
        var result = EmbeddingsDecoding.Evaluate(path, seeds);
        string F3(double v) => double.IsNaN(v) ? "—" : v.ToString("F3", CultureInfo.InvariantCulture);
        Console.WriteLine($"{path}: {result.Checkpoints} checkpoints of {result.Runs} runs, {result.Dimensions}-dim embeddings; ridge probe, 80/20, {seeds} seeds\n");
        TextTable.Print(["features", "split", "target", "Pearson r", "Spearman ρ", "Kendall τ", "R²"],
            result.Rows.Select(r => (IReadOnlyList<string>)[r.Features, r.Split, r.Target, r.Summary.Format(), F3(r.Summary.SpearmanMean),
                F3(r.Summary.KendallMean), F3(r.Summary.R2Mean)]).ToList());
        foreach (var note in result.Notes) Console.WriteLine($"note: {note}");
        if (saveProbe is not null)
        {
            var probe = EmbeddingsDecoding.FitProbe(path, encoderPath);
            StructureReps.Core.AtomicFile.WriteAllText(saveProbe, probe.ToJson());
            Console.WriteLine($"\nprobe (both targets, fitted on all {probe.Rows} checkpoints) → {saveProbe}");
        }
        return 0;
    }

    /// <summary>`predict --encoder FILE --probe FILE CHECKPOINT…`: predicted performance of unseen networks.</summary>
    private static int Predict(Args opts)
    {
        var checkpoints = opts.Arguments.ToList();
        string encoderPath = opts.RequiredPath("--encoder"), probePath = opts.RequiredPath("--probe");
        if (Directory.Exists(encoderPath)) encoderPath = Path.Combine(encoderPath, EncoderTrainer.EncoderFileName); // an encode train --out folder
        bool embedding = opts.Flag("--embedding");
        string? inputText = opts.String("--input");
        var backend = Backends.Select(opts);
        opts.EnsureAllUsed();
        if (checkpoints.Count == 0) throw new UsageException("predict: name at least one checkpoint (a .safetensors file)");
        int[]? input = inputText?.Split(',').Select(p => int.TryParse(p, out int v) && v >= 1 ? v : throw new UsageException($"--input: '{inputText}' is not C,H,W")).ToArray();
        var predictions = Predictor.Predict(encoderPath, probePath, checkpoints, backend, input);
        var probe = SavedProbe.Read(probePath);
        TextTable.Print(["checkpoint", "network", "predicted train", "predicted test", .. embedding ? new[] { "embedding" } : []],
            predictions.Select(p => (IReadOnlyList<string>)
            [
                p.Checkpoint, p.Network, p.Train.Describe(probe.TrainRange), p.Test.Describe(probe.TestRange),
                .. embedding ? new[] { string.Join(" ", p.Embedding.Select(v => v.ToString("G4", CultureInfo.InvariantCulture))) } : [],
            ]).ToList());
        if (predictions.Any(p => p.Train.Clipped || p.Test.Clipped))
            Console.WriteLine($"\nclipped: the probe's output is outside what {(probe.Performance is { Length: > 0 } perf ? perf : "the performance")} can be, and is held to its bound");
        if (predictions.Any(p => p.Train.OutsideFitted || p.Test.OutsideFitted))
            Console.WriteLine("\noutside the fitted range: an extrapolation beyond every network the probe was fitted on; read it with care");
        return 0;
    }
}
