using System.Diagnostics;
using StructureReps.Cli;
using StructureReps.Cli.Commands;
using StructureReps.Pipeline.Cluster;
using StructureReps.Tests.Support;

namespace StructureReps.Tests.Pipeline;

/// <summary>
/// `slurm`: the scripts it writes, and the chain on a real (single-node) Slurm: zoo and graph arrays, the encoder
/// job, the report job. Cancelled midway and resubmitted, the chain still gives the embeddings and the report of
/// the same `reproduce` in one process.
/// </summary>
public sealed class SlurmTests
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "structurereps.dll");

    private static string[] Reproduce(string output) =>
        ["--tasks", "two-moons", "--runs", "4", "--epochs", "5", "--encoder-epochs", "4", "--encoders", "ea-tc-lf", "--seeds", "2",
         "--inductive-seeds", "0", "--no-figure2", "--out", output];

    [Fact]
    public void The_scripts_are_valid_bash_with_every_placeholder_filled_and_the_reproduce_options_passed_on()
    {
        using var dir = new TempDir();
        string output = dir.File("chain");
        Assert.Equal(0, SlurmCommand.Run([.. Reproduce(output), "--k", "6", "--shards", "3", "--partition", "short", "--gpu", "--command", "sr"]));
        string scripts = Path.Combine(output, "slurm");
        foreach (string file in SlurmChain.Files)
        {
            string text = File.ReadAllText(Path.Combine(scripts, file));
            Assert.DoesNotContain("@@", text);
            var (code, error) = Bash("-n", Path.Combine(scripts, file));
            Assert.True(code == 0, $"{file}: {error}");
        }
        string zoo = File.ReadAllText(Path.Combine(scripts, "zoo.sbatch"));
        Assert.Contains("#SBATCH --array=0-2", zoo); // one task × 3 shards
        Assert.Contains("#SBATCH --partition=short", zoo);
        Assert.Contains("sizes=('--runs 4 --epochs 5')", zoo);
        Assert.Contains("--k 6", File.ReadAllText(Path.Combine(scripts, "graphs.sbatch")));
        string encoders = File.ReadAllText(Path.Combine(scripts, "encoders.sbatch"));
        Assert.Contains("#SBATCH --gres=gpu:1", encoders);
        Assert.Contains($"sr reproduce --out {output} --data ", encoders);
        Assert.Contains("--no-figure2 --k 6 --stop-after encoders --device cuda", encoders);
        Assert.DoesNotContain("--gres", File.ReadAllText(Path.Combine(scripts, "report.sbatch")));

        // The array index picks (task, shard) as the script computes it: index 5 of 2 tasks × 3 shards is task 1, shard 2.
        var (_, shard) = Bash("-c", "SLURM_ARRAY_TASK_ID=5; shards=3; echo $(( SLURM_ARRAY_TASK_ID / shards )) $(( SLURM_ARRAY_TASK_ID % shards ))");
        Assert.Equal("1 2", shard.Trim());
    }

    [Theory]
    [InlineData("--time", "soon", "--time: 'soon' is not a Slurm time limit")]
    [InlineData("--mem", "lots", "--mem: 'lots' is not a Slurm memory size")]
    [InlineData("--device", "cuda", "--device: the jobs run on the CPU; --gpu gives the encoder job a GPU")]
    [InlineData("--partition", "a b", "--partition: 'a b' is not a Slurm name")]
    [InlineData("--shards", "0", "--shards: '0' is not an integer from 1 to 10000")]
    public void Bad_options_are_refused_before_anything_is_written(string option, string value, string message)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<UsageException>(() => SlurmCommand.Run([.. Reproduce(dir.File("chain")), option, value]));
        Assert.StartsWith(message, e.Message);
        Assert.False(Directory.Exists(dir.File("chain")));
    }

    [SlurmFact]
    [Trait("Speed", "slow")]
    public void A_chain_cancelled_midway_and_resubmitted_gives_the_embeddings_and_report_of_one_process()
    {
        using var dir = new TempDir();
        string chain = dir.File("chain"), single = dir.File("single");
        Assert.Equal(0, SlurmCommand.Run([.. Reproduce(chain), "--shards", "2", "--mem", "2G", "--time", "20", "--name", "srtest", "--command", $"dotnet {Cli}"]));
        string scripts = Path.Combine(chain, "slurm");

        // Preemption: the first submission is cancelled as soon as the zoo array runs; submit.sh again resumes it.
        var first = SlurmChain.Submit(scripts);
        Assert.Equal(["zoo", "graphs", "encoders", "report"], first.Select(j => j.Stage));
        WaitFor(() => Squeue(first[0].JobId).Contains('R'), TimeSpan.FromMinutes(2), "the zoo array to start");
        Run("scancel", [.. first.Select(j => j.JobId)]);
        WaitFor(() => first.All(j => Squeue(j.JobId).Length == 0), TimeSpan.FromMinutes(1), "the cancelled jobs to leave the queue");

        var second = SlurmChain.Submit(scripts);
        WaitFor(() => second.All(j => Squeue(j.JobId).Length == 0), TimeSpan.FromMinutes(8), "the resubmitted chain to finish");
        foreach (var (stage, id) in second)
            Assert.True(State(id).All(s => s == "COMPLETED"), $"{stage} job {id}: {string.Join(", ", State(id))}; logs in {Path.Combine(scripts, "logs")}:\n" + Logs(scripts));

        Assert.Equal(0, ReproduceCommand.Reproduce(Reproduce(single)));
        string embeddings = Path.Combine("encoders", "two-moons", "ea-tc-lf", "embeddings.csv");
        Assert.Equal(File.ReadAllText(Path.Combine(single, embeddings)), File.ReadAllText(Path.Combine(chain, embeddings)));
        Assert.Equal(Report(single), Report(chain));
    }

    /// <summary>report.md without its command line and date (the one thing that differs between the two ways).</summary>
    private static string Report(string output) =>
        string.Join('\n', File.ReadAllLines(Path.Combine(output, "report.md")).Where(l => !l.StartsWith("- command:") && !l.StartsWith("- date:")));

    private static string Squeue(string id) => Run("squeue", ["-h", "-j", id, "-o", "%t"]).Stdout.Trim();

    /// <summary>JobState of each task of a job (an array has several), from scontrol (accounting is off on a local Slurm).</summary>
    private static List<string> State(string id)
    {
        var (_, stdout) = Run("scontrol", ["show", "job", id]);
        return [.. stdout.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Where(w => w.StartsWith("JobState=")).Select(w => w["JobState=".Length..])];
    }

    private static string Logs(string scripts) =>
        string.Join('\n', Directory.GetFiles(Path.Combine(scripts, "logs")).Select(f => $"== {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(5))}"));

    private static void WaitFor(Func<bool> done, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < limit, $"waited {limit.TotalMinutes} min for {what}");
            Thread.Sleep(500);
        }
    }

    private static (int Code, string Stdout) Run(string file, string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr.Result}");
        return (p.ExitCode, stdout);
    }

    private static (int Code, string Output) Bash(params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo("bash", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, p.ExitCode == 0 ? stdout : stderr);
    }
}
