using System.Text.RegularExpressions;
using StructureReps.Pipeline.Cluster;
using StructureReps.Pipeline.Reports;

namespace StructureReps.Cli.Commands;

/// <summary>`slurm`: a reproduction as a chain of Slurm jobs (deploy/slurm/), written and, with --submit, submitted.</summary>
public static partial class SlurmCommand
{
    public static readonly CommandHelp[] Help =
    [
        new("slurm", "[reproduce options] [--shards 2] [--scripts DIR] [--cpus 2] [--mem 8G] [--time 04:00:00]\n" +
            "            [--partition P] [--account A] [--gpu] [--name structurereps] [--command CMD] [--submit]", """
            `reproduce` as Slurm jobs on a cluster's shared file system: zoo training and graph building as
            arrays of --shards tasks per task, then one encoder job (--gpu: one GPU, --device cuda), then the
            report job; each after the one before succeeded (afterok). Writes the sbatch scripts and submit.sh
            to --scripts (default OUT/slurm, logs in OUT/slurm/logs); --submit submits them and prints the job
            ids. Every job resumes what is on disk: resubmit a preempted or failed chain with submit.sh.
            --command is how a node runs StructureReps (default: this program as it was started)
            example: structurereps slurm --quick --tasks two-moons --shards 4 --out /shared/sr --submit
            """),
    ];

    // The options of this command, not passed on to the jobs' `reproduce`: value options, then flags.
    private static readonly string[] OwnOptions = ["--shards", "--scripts", "--cpus", "--mem", "--time", "--partition", "--account", "--name", "--command"];
    private static readonly string[] OwnFlags = ["--gpu", "--submit"];
    // Passed on to the graph stage as well.
    private static readonly string[] PeOptionNames = ["--k", "--dense-threshold", "--lapack"];

    public static int Run(string[] args)
    {
        var opts = new Args(args, [.. ReproduceCommand.Flags, .. OwnFlags]);
        if (opts.Flag("--plan")) throw new UsageException("--plan: run `reproduce --plan` with the same options for the estimates");
        if (opts.String("--stop-after") is not null) throw new UsageException("--stop-after: the chain sets it per job");
        if (opts.String("--device") is not null) throw new UsageException("--device: the jobs run on the CPU; --gpu gives the encoder job a GPU");
        var options = ReproduceCommand.ReadOptions(opts);
        string output = Path.GetFullPath(options.Output), data = Path.GetFullPath(options.DataRoot);
        foreach (var plan in options.Tasks)
            if (Zoo.Tasks.Get(plan.Task).Missing(data) is { } why)
                throw new UsageException($"--tasks: {plan.Task}: {why} (the jobs would fail on it; leave it out or install its data)");
        string time = opts.String("--time") ?? "04:00:00";
        if (!TimeLimit().IsMatch(time)) throw new UsageException($"--time: '{time}' is not a Slurm time limit (MINUTES, HH:MM:SS or D-HH:MM:SS)");
        string memory = opts.String("--mem") ?? "8G";
        if (!Memory().IsMatch(memory)) throw new UsageException($"--mem: '{memory}' is not a Slurm memory size (e.g. 8G, 16000M)");
        var settings = new SlurmSettings
        {
            Command = opts.String("--command") ?? ThisProgram(),
            WorkDir = Environment.CurrentDirectory,
            Name = Word(opts.String("--name") ?? "structurereps", "--name"),
            Shards = opts.Count("--shards", max: 10_000) ?? 2,
            Cpus = opts.Count("--cpus", max: 4096) ?? 2,
            Memory = memory,
            Time = time,
            Partition = opts.String("--partition") is { } p ? Word(p, "--partition") : null,
            Account = opts.String("--account") is { } a ? Word(a, "--account") : null,
            Gpu = opts.Flag("--gpu"),
        };
        string scripts = Path.GetFullPath(opts.PathOption("--scripts") ?? Path.Combine(output, "slurm"));
        bool submit = opts.Flag("--submit");
        opts.EnsureAllUsed();

        var (reproduceOptions, peOptions) = PassedOn(args, output, data);
        var files = SlurmChain.Write(scripts, options, reproduceOptions, peOptions, settings);
        int arrayTasks = options.Tasks.Count * settings.Shards;
        Console.WriteLine($"slurm: {options.Tasks.Count} task(s) × {settings.Shards} shards → {output}");
        Console.WriteLine($"  zoo      array of {arrayTasks} (task, shard) jobs: {string.Join("; ", options.Tasks.Select(t => $"{t.Task} {SlurmChain.ZooSize(t)}"))}");
        Console.WriteLine($"  graphs   array of {arrayTasks} jobs, after the zoo");
        Console.WriteLine($"  encoders one job{(settings.Gpu ? " with one GPU (--device cuda)" : "")}: {string.Join(", ", options.Encoders)}, {options.EncoderEpochs} epochs, after the graphs");
        Console.WriteLine($"  report   one job, after the encoders → {Path.Combine(output, "report.md")}");
        Console.WriteLine($"scripts → {scripts} ({string.Join(", ", files.Select(Path.GetFileName))})");
        if (!submit)
        {
            Console.WriteLine($"submit with: bash {Path.Combine(scripts, "submit.sh")}   (or rerun with --submit)");
            return 0;
        }
        foreach (var (stage, id) in SlurmChain.Submit(scripts)) Console.WriteLine($"submitted {stage,-8} job {id}");
        Console.WriteLine($"follow with: squeue --name={settings.Name}-zoo,{settings.Name}-graphs,{settings.Name}-encoders,{settings.Name}-report; logs in {Path.Combine(scripts, "logs")}");
        return 0;
    }

    /// <summary>
    /// The command line's `reproduce` options for the jobs (this command's own left out, --out and --data made
    /// absolute, since jobs start elsewhere), and among them those of the graph stage.
    /// </summary>
    private static (List<string> Reproduce, List<string> Pe) PassedOn(string[] args, string output, string data)
    {
        var reproduce = new List<string> { "--out", output, "--data", data };
        var pe = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            bool hasValue = !ReproduceCommand.Flags.Contains(a) && !OwnFlags.Contains(a);
            string? value = hasValue ? args[++i] : null;
            if (OwnOptions.Contains(a) || OwnFlags.Contains(a) || a is "--out" or "--data") continue;
            reproduce.Add(a);
            if (value is not null) reproduce.Add(value);
            if (PeOptionNames.Contains(a)) pe.AddRange([a, value!]);
            if (a == "--binary") pe.Add(a);
        }
        return (reproduce, pe);
    }

    /// <summary>How this program was started: its apphost, or `dotnet structurereps.dll`.</summary>
    private static string ThisProgram()
    {
        string process = Environment.ProcessPath ?? "structurereps";
        string dll = typeof(SlurmCommand).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && dll.Length > 0
            ? $"{SlurmChain.Quote(process)} {SlurmChain.Quote(dll)}"
            : SlurmChain.Quote(process);
    }

    private static string Word(string value, string option) =>
        SlurmWord().IsMatch(value) ? value : throw new UsageException($"{option}: '{value}' is not a Slurm name (letters, digits, - _ . ,)");

    [GeneratedRegex(@"^(\d+|\d+:\d{2}(:\d{2})?|\d+-\d{1,2}(:\d{2}(:\d{2})?)?)$")]
    private static partial Regex TimeLimit();

    [GeneratedRegex(@"^\d+[KMGT]?$")]
    private static partial Regex Memory();

    [GeneratedRegex(@"^[A-Za-z0-9_.,-]+$")]
    private static partial Regex SlurmWord();
}
