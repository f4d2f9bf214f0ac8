using System.Diagnostics;
using StructureReps.Cli.Commands;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Cli;

/// <summary>
/// SIGINT and SIGTERM stop `zoo train` after the current epoch with exit 130 / 143 and a line saying how to resume;
/// the same command then finishes the zoo from what was saved. Runs the built CLI as a child process (Linux: the
/// signal goes through `kill`).
/// </summary>
[Trait("Speed", "slow")]
public sealed class InterruptTests
{
    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task A_signal_stops_after_the_current_epoch_and_the_rerun_resumes(string signal, int exitCode)
    {
        Assert.True(OperatingSystem.IsLinux(), "signals are sent with kill(1); CI runs on Linux");
        using var dir = new TempDir();
        string[] args = ["train", "--task", "two-moons", "--runs", "2", "--epochs", "400", "--out", dir.Path];
        string cli = Path.Combine(AppContext.BaseDirectory, "structurereps.dll");
        var start = new ProcessStartInfo("dotnet", [cli, "zoo", .. args]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        string metrics = Path.Combine(dir.Path, "run-0000", "metrics.csv");
        // Wait (at most a minute, in 20 ms polls) for the first epoch's files: the signal must land mid-zoo.
        for (int poll = 0; poll < 3000 && !File.Exists(metrics) && !process.HasExited; poll++) Thread.Sleep(20);
        Assert.False(process.HasExited, "the zoo finished before it could be interrupted");
        Process.Start("kill", [$"-{signal}", process.Id.ToString()])!.WaitForExit();
        Assert.True(process.WaitForExit(60_000), "no exit within a minute of the signal");
        Assert.Equal(exitCode, process.ExitCode);
        Assert.Contains("run the same command again to resume", await stderr);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp-*", SearchOption.AllDirectories));

        Assert.Equal(0, ZooCommand.Run(args)); // resumes: both runs complete
        foreach (var run in new[] { "run-0000", "run-0001" })
            Assert.Equal(402, File.ReadAllLines(Path.Combine(dir.Path, run, "metrics.csv")).Length); // header, epoch 0 … 400
    }
}
