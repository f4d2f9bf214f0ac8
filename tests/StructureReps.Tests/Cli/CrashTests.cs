using System.Diagnostics;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Cli;

/// <summary>
/// Process-level crash safety, through the built CLI as a child process: `zoo train`, `graphs build` and
/// `encode train` killed with SIGKILL at seeded points, then rerun, give the files of an uninterrupted run byte for
/// byte; two `zoo train` on one folder give a clean zoo or a clear refusal naming the holder.
/// </summary>
[Trait("Speed", "slow")]
public sealed class CrashTests
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "structurereps.dll");

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Cli, .. args]) { RedirectStandardError = true, RedirectStandardOutput = true };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static void Ok(params string[] args)
    {
        var (code, stderr) = Run(args);
        Assert.True(code == 0, $"{string.Join(' ', args)}: exit {code}\n{stderr}");
    }

    private static (int Code, string Stderr) Run(params string[] args)
    {
        using var process = Start(args);
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(180_000), $"{string.Join(' ', args)}: no exit within 3 minutes");
        return (process.ExitCode, stderr);
    }

    /// <summary>Starts the command, waits (20 ms polls, at most a minute) until <paramref name="ready"/>, then SIGKILLs it.</summary>
    private static void KillWhen(Func<bool> ready, params string[] args)
    {
        using var process = Start(args);
        _ = process.StandardError.ReadToEndAsync();
        for (int poll = 0; poll < 3000 && !ready() && !process.HasExited; poll++) Thread.Sleep(20);
        Assert.False(process.HasExited, $"{string.Join(' ', args)} finished before the kill point");
        process.Kill(); // SIGKILL on Unix: no handler runs
        Assert.True(process.WaitForExit(30_000));
    }

    /// <summary>Every file under <paramref name="dir"/> but the lock, with encoder logs' timing column blanked.</summary>
    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) is not (StructureReps.Core.OutputLock.FileName or StructureReps.Core.OutputLock.HolderFileName))
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Path.GetFileName(f) == "train-log.csv"
                ? string.Join("\n", File.ReadAllLines(f).Select(l => { var c = l.Split(','); c[5] = ""; return string.Join(',', c); }))
                : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    private static void AssertSame(string expected, string actual)
    {
        var a = Snapshot(expected);
        var b = Snapshot(actual);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, hash) in a) Assert.True(hash == b[name], $"{name} differs from the uninterrupted run");
    }

    private static int Lines(string path)
    {
        try { return File.Exists(path) ? File.ReadAllLines(path).Length : 0; }
        catch (IOException) { return 0; }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    public void A_killed_zoo_train_graphs_build_and_encode_train_resume_to_the_files_of_an_uninterrupted_run(int seed)
    {
        var rng = new Random(seed);
        using var straight = new TempDir();
        using var killed = new TempDir();
        string Zoo(TempDir d) => d.File("zoo");
        string Graphs(TempDir d) => d.File("graphs");
        string Encoder(TempDir d) => d.File("enc");
        string[] zoo(TempDir d) => ["zoo", "train", "--task", "two-moons", "--runs", "2", "--epochs", "60", "--out", Zoo(d)];
        string[] graphs(TempDir d) => ["graphs", "build", "--zoo", Zoo(d), "--out", Graphs(d), "--k", "4"];
        string[] encode(TempDir d) => ["encode", "train", "--graphs", Graphs(d), "--out", Encoder(d), "--epochs", "16", "--batch", "16"];

        foreach (var command in new[] { zoo, graphs, encode }) Ok(command(straight));

        // zoo train: killed somewhere in the first run (after a seeded number of epochs).
        int epochs = 2 + rng.Next(40);
        KillWhen(() => Lines(Path.Combine(Zoo(killed), "run-0000", "metrics.csv")) > epochs, zoo(killed));
        Ok(zoo(killed));
        // graphs build: killed once the first run's graphs are written (graph files hold whole runs).
        KillWhen(() => File.Exists(Path.Combine(Graphs(killed), "run-0000.safetensors")), graphs(killed));
        Ok(graphs(killed));
        // encode train: killed after a seeded number of encoder epochs.
        int encoderEpochs = 1 + rng.Next(8);
        KillWhen(() => Lines(Path.Combine(Encoder(killed), "train-log.csv")) > encoderEpochs, encode(killed));
        Ok(encode(killed));

        AssertSame(Zoo(straight), Zoo(killed));
        AssertSame(Encoder(straight), Encoder(killed));
        // The graphs record their zoo's absolute path in graphs.json; the graph files themselves must match.
        foreach (var run in new[] { "run-0000.safetensors", "run-0001.safetensors" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(Graphs(straight), run)), File.ReadAllBytes(Path.Combine(Graphs(killed), run)));
    }

    [Fact]
    public async Task Two_zoo_trains_on_one_folder_give_a_clean_zoo_or_a_clear_refusal()
    {
        using var straight = new TempDir();
        using var shared = new TempDir();
        string[] args(string dir) => ["zoo", "train", "--task", "two-moons", "--runs", "3", "--epochs", "60", "--out", dir];
        Ok(args(straight.Path));

        using var first = Start(args(shared.Path));
        using var second = Start(args(shared.Path));
        var errors = new[] { first.StandardError.ReadToEndAsync(), second.StandardError.ReadToEndAsync() };
        Assert.True(first.WaitForExit(180_000) && second.WaitForExit(180_000));
        string[] stderrs = await Task.WhenAll(errors);
        foreach (var (process, stderr) in new[] { (first, stderrs[0]), (second, stderrs[1]) })
        {
            if (process.ExitCode == 0) continue;
            Assert.True(process.ExitCode == 1 && System.Text.RegularExpressions.Regex.IsMatch(stderr, @"run-000\d: in use by another running process \(process \d+\)"),
                $"exit {process.ExitCode}: {stderr}");
        }
        // Whatever was refused, one more run completes the zoo: the files of a zoo trained alone.
        Ok(args(shared.Path));
        AssertSame(straight.Path, shared.Path);
    }
}
