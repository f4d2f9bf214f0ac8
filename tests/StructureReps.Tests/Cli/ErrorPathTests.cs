using System.Diagnostics;
using StructureReps.Cli.Commands;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Cli;

/// <summary>
/// The CLI's one error path, through the built CLI as a child process: bad input is one line naming the file
/// (exit 1) even when a parallel loop met it, bad usage exits 2, a stack trace appears only with --verbose.
/// </summary>
public sealed class ErrorPathTests
{
    private static (int Code, string Stderr) Cli(params string[] args)
    {
        var (code, _, stderr) = CliWithOutput(args);
        return (code, stderr);
    }

    private static (int Code, string Stdout, string Stderr) CliWithOutput(params string[] args)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "structurereps.dll");
        var start = new ProcessStartInfo("dotnet", [cli, .. args]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "the CLI did not exit within two minutes");
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>The library says what was wrong in its own terms; the CLI adds which of its flags changes it.</summary>
    [Fact]
    public void A_fixable_library_error_gets_the_flag_that_fixes_it()
    {
        using var dir = new TempDir();
        string zoo = dir.File("zoo");
        Assert.Equal(0, Cli("zoo", "train", "--task", "two-moons", "--runs", "1", "--epochs", "1", "--out", zoo).Code);
        var (code, stderr) = Cli("zoo", "train", "--task", "two-moons", "--runs", "1", "--epochs", "2", "--out", zoo);
        Assert.Equal(1, code);
        Assert.Contains("holds another zoo", stderr);
        Assert.EndsWith("; use another --out", stderr.Trim());
        var e = Assert.Throws<InvalidOperationException>(() => ZooCommand.Run(["train", "--task", "two-moons", "--runs", "1", "--epochs", "2", "--out", zoo]));
        Assert.DoesNotContain("--out", e.Message); // the library's own message names no flag
        Assert.Equal(StructureReps.Core.Remedy.OtherOutput, StructureReps.Core.Remedies.Of(e));
    }

    [Theory]
    [InlineData("structurereps graphs build [options]", "--zoo <DIR>", "graphs", "build", "--help")]
    [InlineData("structurereps zoo [command] [options]", "show", "zoo", "-h")]
    [InlineData("structurereps reproduce [options]", "--stop-after <STAGE>", "reproduce", "--tasks", "x", "--help")]
    public void Every_command_prints_its_own_help(string usage, string part, params string[] args)
    {
        var (code, stdout, _) = CliWithOutput(args);
        Assert.Equal(0, code);
        Assert.Contains(usage, stdout);
        Assert.Contains(part, stdout);
        Assert.DoesNotContain("slurm", stdout); // that command's help, not the whole list
    }

    [Fact]
    public void Shell_completion_offers_commands_and_option_values()
    {
        var (code, stdout, _) = CliWithOutput("[suggest:22]", "zoo train --arch ");
        Assert.Equal(0, code);
        Assert.Equal(["deeper", "regular", "wider"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        (_, stdout, _) = CliWithOutput("[suggest:6]", "zoo tr");
        Assert.Equal("train", stdout.Trim());
    }

    [Fact]
    public void A_broken_checkpoint_met_inside_a_parallel_loop_is_one_line_naming_it_and_verbose_adds_the_trace()
    {
        using var dir = new TempDir();
        string zoo = dir.File("zoo");
        Assert.Equal(0, ZooCommand.Run(["train", "--task", "two-moons", "--runs", "1", "--epochs", "3", "--out", zoo]));
        string broken = Path.Combine(zoo, "run-0000", "epoch-0002.safetensors");
        File.WriteAllBytes(broken, File.ReadAllBytes(broken)[..40]); // cut inside the header

        var (code, stderr) = Cli("graphs", "build", "--zoo", zoo, "--out", dir.File("graphs"));
        Assert.Equal(1, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains("epoch-0002.safetensors", stderr);
        Assert.DoesNotContain("   at ", stderr);

        (code, stderr) = Cli("graphs", "build", "--zoo", zoo, "--out", dir.File("graphs"), "--verbose");
        Assert.Equal(1, code);
        Assert.Contains("epoch-0002.safetensors", stderr);
        Assert.Contains("   at ", stderr); // the trace, asked for
    }

    [Theory]
    [InlineData("zoo", "train", "--task", "two-moons", "--runs", "2", "--epochs", "1", "--out", "x", "--bogus", "1")]
    [InlineData("nonsense")]
    [InlineData("zoo", "train", "--task", "two-moons", "--runs", "0", "--epochs", "1", "--out", "x")]
    public void Bad_usage_exits_2_without_a_trace(params string[] args)
    {
        var (code, stderr) = Cli(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }
}
