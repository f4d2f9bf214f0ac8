using System.Diagnostics;
using System.Text.RegularExpressions;
using StructureReps.Tests.Support;

namespace StructureReps.Tests.Cli;

/// <summary>
/// Every command the README shows, and every `example:` of a command's help, read from the files themselves so a new
/// example is covered the day it is written: each parses through the real parser, and each runs — as the program,
/// in a fresh folder, in the order written, scaled to a tiny zoo — with exit 0. Placeholders the README names
/// (my_runs, new_net.safetensors) are made from the zoo the commands before them trained.
/// </summary>
public sealed partial class DocumentedCommandsTests
{
    /// <summary>One documented command: where it is written and its arguments after the program's name.</summary>
    public sealed record Documented(string Where, string Line, string[] Args)
    {
        public override string ToString() => $"{Where}: {Line}";
    }

    /// <summary>
    /// Placeholders for options or values ("…", "a|b", "[options]"): their command word is still checked.
    /// </summary>
    private static bool IsTemplate(string line) =>
        line.Contains('…') || line.Contains('|') || TemplateWord().IsMatch(line);

    public static List<Documented> All()
    {
        var found = new List<Documented>();
        string readme = Path.Combine(NativeArtifacts.Root, "README.md");
        var lines = File.ReadAllLines(readme);
        bool code = false;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith("```", StringComparison.Ordinal)) { code = !code; continue; }
            IEnumerable<string> candidates = code ? [line] : InlineCode().Matches(line).Select(m => m.Groups[1].Value);
            foreach (var c in candidates)
                if (Command(c) is { } args) found.Add(new Documented($"README.md:{i + 1}", WithoutComment(c), args));
        }
        foreach (var spec in StructureReps.Cli.CommandLine.All)
            foreach (var example in spec.Description.Split('\n').Select(l => l.Trim())
                .Where(l => l.StartsWith("example: ", StringComparison.Ordinal)))
                if (Command(example["example: ".Length..]) is { } args)
                    found.Add(new Documented($"`{spec.Name} --help`", example, args));
        return found;
    }

    /// <summary>
    /// The arguments of a line that runs the program (`dotnet run --project src/Cli -- …` or `structurereps …`), or
    /// null.
    /// </summary>
    private static string WithoutComment(string text) => Regex.Replace(text, @"\s+#.*$", "").Trim();

    private static string[]? Command(string text)
    {
        string line = WithoutComment(text);
        string rest;
        if (line.StartsWith("dotnet run --project src/Cli", StringComparison.Ordinal))
            rest = line["dotnet run --project src/Cli".Length..].Trim();
        else if (line == "structurereps" || line.StartsWith("structurereps ", StringComparison.Ordinal))
            rest = line["structurereps".Length..].Trim();
        else return null;
        if (rest.StartsWith("--", StringComparison.Ordinal) && (rest.Length == 2 || rest[2] == ' '))
            rest = rest[2..].Trim();
        return [.. Tokens().Matches(rest).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value)];
    }

    [Fact]
    public void The_documents_show_commands_of_every_stage()
    {
        var words = All().Select(d => d.Args.FirstOrDefault() ?? "").ToHashSet();
        foreach (var stage in new[]
            { "", "zoo", "graphs", "encode", "decode", "predict", "plot", "reproduce", "benchmark", "bench", "slurm" })
            Assert.Contains(stage, words);
    }

    [Fact]
    public void Every_documented_command_parses()
    {
        var failures = new List<string>();
        foreach (var d in All())
        {
            string[] args = IsTemplate(d.Line)
                ? [.. d.Args.TakeWhile(a => !a.StartsWith('-') && !a.StartsWith('[') && !IsTemplate(a))]
                : d.Args;
            if (StructureReps.Cli.CommandLine.Check(args) is { } error) failures.Add($"{d}: {error}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    [Trait("Speed", "slow")]
    public void Every_documented_command_runs_on_a_tiny_zoo()
    {
        using var dir = new TempDir();
        var failures = new List<string>();
        var ran = 0;
        foreach (var d in All())
        {
            if (IsTemplate(d.Line) || Scaled(d.Args, dir.Path) is not { } args) continue;
            Prepare(args, dir.Path);
            var (code, stdout, stderr) = Run(args, dir.Path);
            ran++;
            if (code != 0)
                failures.Add($"{d}\n  ran: structurereps {string.Join(' ', args)}\n" +
                    $"  exit {code}: {Last(stderr)}{Last(stdout)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(ran >= 20, $"only {ran} documented commands ran");
    }

    /// <summary>
    /// The command at a tiny size: zoos of 3 runs × 3 epochs (12 checkpoints, the probe needs 10), 1 encoder epoch,
    /// one two-moons task; null for commands that cannot run here (bench runs BenchmarkDotNet for minutes and is
    /// measured in benchmarks/; a Slurm submission needs a cluster: SlurmTests runs that chain; a task whose data is
    /// not installed).
    /// </summary>
    private static string[]? Scaled(string[] documented, string root)
    {
        var args = documented.Length == 0 ? ["demo"] : documented.ToList();
        string first = args[0];
        if (first is "bench" || args.Contains("--submit") || args.Contains("--help")
            || args.Any(a => a.StartsWith('[')))
            return null;
        if (Option(args, "--task") is { } task && task != "two-moons"
            && StructureReps.Zoo.Tasks.Get(task).Missing(StructureReps.Zoo.Data.DataFiles.DefaultRoot()) is not null)
            return null;
        bool encode = first == "encode";
        Set(args, "--runs", "3", onlyIfPresent: first is not ("demo" or "reproduce"));
        Set(args, "--epochs", encode ? "1" : "3", onlyIfPresent: first is not ("demo" or "reproduce"));
        if (first is "demo" or "reproduce" or "slurm")
            Set(args, "--encoder-epochs", "1", onlyIfPresent: first == "slurm");
        if (first is "reproduce" or "slurm")
        {
            Set(args, "--tasks", "two-moons");
            Set(args, "--encoders", "ea-tc-lf");
            Set(args, "--inductive-seeds", "0");
            Set(args, "--seeds", "2");
            if (!args.Contains("--no-figure2")) args.Add("--no-figure2");
            if (first == "reproduce") Set(args, "--out", args.Contains("--paper") ? "runs/paper" : "runs/reproduce");
        }
        Set(args, "--shards", "2", onlyIfPresent: true);
        for (int i = 0; i < args.Count; i++)
            if (Path.IsPathRooted(args[i]))
                args[i] = Path.Combine(root, args[i].TrimStart('/')); // /shared/sr → inside the folder
        return [.. args];
    }

    /// <summary>The README's placeholders, made from the two-moons zoo of the commands before.</summary>
    private static void Prepare(string[] args, string root)
    {
        if (Option([.. args], "--from") is { } from && !Directory.Exists(Path.Combine(root, from)))
        {
            string zoo = Path.Combine(root, "zoos", "moons");
            if (!Directory.Exists(zoo))
                Run(["zoo", "train", "--task", "two-moons", "--runs", "3", "--epochs", "3", "--out", "zoos/moons"],
                    root);
            foreach (var run in Directory.GetDirectories(zoo, "run-*"))
            {
                string seed = Path.Combine(root, from, "seed" + Path.GetFileName(run)[4..]);
                Directory.CreateDirectory(seed);
                foreach (var f in Directory.GetFiles(run, "epoch-*.safetensors"))
                    File.Copy(f,
                        Path.Combine(seed, "epoch_" + Path.GetFileNameWithoutExtension(f)[6..] + ".safetensors"));
                File.Copy(Path.Combine(run, "metrics.csv"), Path.Combine(seed, "metrics.csv"));
            }
        }
        foreach (var a in args.Where(a => a.EndsWith(".safetensors", StringComparison.Ordinal) && !a.Contains('/')))
            if (!File.Exists(Path.Combine(root, a)))
                File.Copy(
                    Directory.GetFiles(Path.Combine(root, "zoos", "moons", "run-0000"), "epoch-*.safetensors").Max()!,
                    Path.Combine(root, a));
    }

    private static string? Option(List<string> args, string name)
    {
        int i = args.IndexOf(name);
        return i >= 0 && i + 1 < args.Count ? args[i + 1] : null;
    }

    private static void Set(List<string> args, string name, string value, bool onlyIfPresent = false)
    {
        int i = args.IndexOf(name);
        if (i >= 0 && i + 1 < args.Count) args[i + 1] = value;
        else if (!onlyIfPresent) args.AddRange([name, value]);
    }

    private static string Last(string text) =>
        text.Trim().Split('\n').LastOrDefault() is { Length: > 0 } l ? $"\n  {l}" : "";

    private static (int Code, string Stdout, string Stderr) Run(string[] args, string workingDirectory)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "structurereps.dll");
        var start = new ProcessStartInfo("dotnet", [cli, .. args])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = workingDirectory,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(300_000)) { process.Kill(true); return (-1, "", "timed out after 5 minutes"); }
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex("\"([^\"]*)\"|\\S+")]
    private static partial Regex Tokens();

    [GeneratedRegex(@"\[[a-z ]+\]|\bFILE\b|\bDIR\b|\bCOMMAND\b")]
    private static partial Regex TemplateWord();
}
