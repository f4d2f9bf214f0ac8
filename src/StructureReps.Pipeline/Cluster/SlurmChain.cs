using System.Diagnostics;
using System.Globalization;
using System.Text;
using StructureReps.Core;
using StructureReps.Pipeline.Reports;

namespace StructureReps.Pipeline.Cluster;

/// <summary>What the cluster gives each job, and how a job runs StructureReps there.</summary>
public sealed record SlurmSettings
{
    /// <summary>The command that runs the CLI on the cluster's nodes ("dotnet /opt/sr/structurereps.dll").</summary>
    public required string Command { get; init; }
    /// <summary>The folder jobs start in (paths are absolute anyway).</summary>
    public required string WorkDir { get; init; }
    public string Name { get; init; } = "structurereps";
    /// <summary>Array tasks per task for zoo training and graph building.</summary>
    public int Shards { get; init; } = 2;
    public int Cpus { get; init; } = 2;
    public string Memory { get; init; } = "8G";
    public string Time { get; init; } = "04:00:00";
    public string? Partition { get; init; }
    public string? Account { get; init; }
    /// <summary>The encoder job asks for one GPU (--gres=gpu:1) and trains with --device cuda.</summary>
    public bool Gpu { get; init; }
}

/// <summary>
/// A reproduction as a chain of Slurm jobs (deploy/slurm/): zoo training and graph building as arrays over
/// (task, shard), then one encoder job, then the report job, each after the one before succeeded. Every stage is
/// a StructureReps command that resumes from what is on disk, so a preempted or timed-out job is resubmitted, not
/// repaired, and the report job's `reproduce` reuses all earlier work: its report equals one process's.
/// </summary>
public static class SlurmChain
{
    public static readonly string[] Files = ["zoo.sbatch", "graphs.sbatch", "encoders.sbatch", "report.sbatch", "submit.sh"];

    /// <param name="reproduceOptions">The `reproduce` options as the jobs pass them (absolute --out and --data).</param>
    /// <param name="peOptions">The graph options among them (--k, --binary, …), for the graph stage.</param>
    public static IReadOnlyList<string> Write(string scriptsDir, ReproduceOptions options, IReadOnlyList<string> reproduceOptions,
        IReadOnlyList<string> peOptions, SlurmSettings settings)
    {
        if (settings.Shards < 1) throw new ArgumentException($"--shards {settings.Shards}: expected at least 1");
        var tasks = options.Tasks;
        string logs = Path.Combine(scriptsDir, "logs");
        Directory.CreateDirectory(logs);
        var extra = new StringBuilder();
        if (settings.Partition is { } partition) extra.Append("#SBATCH --partition=").Append(partition).Append('\n');
        if (settings.Account is { } account) extra.Append("#SBATCH --account=").Append(account).Append('\n');
        var values = new Dictionary<string, string>
        {
            ["NAME"] = settings.Name,
            ["ARRAY_LAST"] = (tasks.Count * settings.Shards - 1).ToString(CultureInfo.InvariantCulture),
            ["CPUS"] = settings.Cpus.ToString(CultureInfo.InvariantCulture),
            ["MEM"] = settings.Memory,
            ["TIME"] = settings.Time,
            ["LOGS"] = logs,
            ["WORKDIR"] = settings.WorkDir,
            ["SBATCH_EXTRA"] = extra.ToString().TrimEnd('\n'),
            ["SBATCH_GPU"] = settings.Gpu ? "#SBATCH --gres=gpu:1" : "",
            ["TASKS"] = string.Join(' ', tasks.Select(t => Quote(t.Task))),
            ["ZOO_SIZES"] = string.Join(' ', tasks.Select(t => Quote(ZooSize(t)))),
            ["SHARDS"] = settings.Shards.ToString(CultureInfo.InvariantCulture),
            ["STRUCTUREREPS"] = settings.Command,
            ["OUT"] = Quote(Path.GetFullPath(options.Output)),
            ["DATA"] = Quote(Path.GetFullPath(options.DataRoot)),
            ["PE_OPTIONS"] = string.Join(' ', peOptions.Select(Quote)),
            ["REPRODUCE_OPTIONS"] = string.Join(' ', reproduceOptions.Select(Quote)),
            ["DEVICE_ENCODERS"] = settings.Gpu ? "--device cuda" : "",
        };
        var written = new List<string>();
        foreach (string file in Files)
        {
            string text = Fill(Template(file), values);
            string path = Path.Combine(scriptsDir, file);
            AtomicFile.WriteAllText(path, text);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            written.Add(path);
        }
        return written;
    }

    /// <summary>Submits the chain (submit.sh: sbatch --parsable, afterok); the job id of each stage.</summary>
    public static IReadOnlyList<(string Stage, string JobId)> Submit(string scriptsDir)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(scriptsDir, "submit.sh")]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException($"cannot run bash to submit: {e.Message}"); }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{Path.Combine(scriptsDir, "submit.sh")}: sbatch failed (exit {process.ExitCode}): {stderr.Result.Trim()}" +
                    (stderr.Result.Contains("command not found") ? " — is Slurm installed here (sbatch on PATH)?" : ""));
            return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', 2)).Where(p => p.Length == 2).Select(p => (p[0], p[1].Trim()))];
        }
    }

    /// <summary>The `zoo train` options that size one task's zoo as the reproduction plans it.</summary>
    public static string ZooSize(TaskPlan plan) =>
        string.Create(CultureInfo.InvariantCulture, $"--runs {plan.Runs} --epochs {plan.Epochs}") +
        (plan.MaxTrain is int train ? string.Create(CultureInfo.InvariantCulture, $" --max-train {train}") : "") +
        (plan.MaxTest is int test ? string.Create(CultureInfo.InvariantCulture, $" --max-test {test}") : "");

    /// <summary>A shell word: as is when it is plain, else in single quotes.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./,:=+@%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";

    private static string Template(string file)
    {
        using var stream = typeof(SlurmChain).Assembly.GetManifestResourceStream("slurm/" + file)
            ?? throw new InvalidOperationException($"the Slurm template {file} is not in this build");
        return new StreamReader(stream).ReadToEnd();
    }

    private static string Fill(string template, Dictionary<string, string> values)
    {
        var text = new StringBuilder(template);
        // Whole-line options (partition, account, GPU) leave no blank line among the #SBATCH lines when unset.
        foreach (var key in new[] { "SBATCH_EXTRA", "SBATCH_GPU" })
            text.Replace($"@@{key}@@\n", values[key].Length > 0 ? values[key] + "\n" : "");
        foreach (var (key, value) in values) text.Replace($"@@{key}@@", value);
        string filled = text.ToString();
        int left = filled.IndexOf("@@", StringComparison.Ordinal);
        if (left >= 0) throw new InvalidOperationException($"Slurm template: placeholder left unfilled near '{filled.Substring(left, Math.Min(30, filled.Length - left))}'");
        return filled;
    }
}
