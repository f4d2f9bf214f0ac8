using System.Text.RegularExpressions;
using StructureReps.Pipeline.Cluster;
using StructureReps.Pipeline.Reports;

namespace StructureReps.Cli.Commands;

/// <summary>`slurm`: a reproduction as a chain of Slurm jobs (deploy/slurm/), written and, with --submit, submitted.</summary>
public static partial class SlurmCommand
{
    public static readonly CommandSpec[] Specs =
    [
        new("slurm", """
            `reproduce` as Slurm jobs on a cluster's shared file system: zoo training and graph building as
            arrays of --shards tasks per task, then one encoder job, then the report job; each after the one
            before succeeded (afterok). Writes the sbatch scripts and submit.sh to --scripts; --submit submits
            them and prints the job ids. Every job resumes what is on disk: resubmit a preempted or failed chain
            with submit.sh. Takes reproduce's options and passes them on
            example: structurereps slurm --quick --tasks two-moons --shards 4 --out /shared/sr --submit
            """,
        [
            .. ReproduceCommand.ReproduceOptionSpecs,
            new("--shards", "N", "array tasks per task for zoo training and graph building (default 2)"),
            new("--scripts", "DIR", "where the scripts go (default OUT/slurm; logs in its logs/)"),
            new("--cpus", "N", "CPUs per job (default 2)"),
            new("--mem", "SIZE", "memory per job (default 8G)"),
            new("--time", "LIMIT", "time limit per job: MINUTES, HH:MM:SS or D-HH:MM:SS (default 04:00:00)"),
            new("--partition", "P", "the Slurm partition"),
            new("--account", "A", "the Slurm account"),
            new("--gpu", null, "the encoder job asks for one GPU (--gres=gpu:1) and trains with --device cuda"),
            new("--name", "NAME", "the jobs' name prefix (default structurereps)"),
            new("--command", "CMD", "how a node runs StructureReps (default: this program as it was started)"),
            new("--submit", null, "submit the chain and print the job ids"),
            CommonOptions.Device,
        ], Run),
    ];

    /// <summary>`slurm …`, as the command line gives it.</summary>
    public static int Run(string[] args) => CommandLine.Run(["slurm", .. args]);

    private static int Run(Args opts)
    {
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

        var (reproduceOptions, peOptions) = PassedOn(opts, output, data);
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
    /// The `reproduce` options given, for the jobs (--out and --data made absolute, since jobs start elsewhere),
    /// and among them those of the graph stage.
    /// </summary>
    private static (List<string> Reproduce, List<string> Pe) PassedOn(Args opts, string output, string data)
    {
        var reproduce = new List<string> { "--out", output, "--data", data };
        var pe = new List<string>();
        foreach (var (name, value) in opts.Given)
        {
            if (name is "--out" or "--data" || !ReproduceCommand.ReproduceOptionSpecs.Any(o => o.Name == name)) continue;
            string[] words = value is null ? [name] : [name, value];
            reproduce.AddRange(words);
            if (GraphsCommand.PeOptionSpecs.Any(o => o.Name == name)) pe.AddRange(words);
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
