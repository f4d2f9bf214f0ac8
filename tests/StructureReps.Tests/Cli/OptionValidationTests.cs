using StructureReps.Cli;
using StructureReps.Cli.Commands;
using Xunit;

namespace StructureReps.Tests.Cli;

/// <summary>
/// Options that would do nothing, overflow or run with a meaningless value are refused before any work, with one
/// line naming the option and what it expects (the CLI prints it and exits 2).
/// </summary>
public sealed class OptionValidationTests
{
    public static TheoryData<string, string[], string> BadOptions => new()
    {
        { "zoo runs 0", ["train", "--task", "two-moons", "--runs", "0", "--out", "x"], "--runs: '0' is not a positive integer" },
        { "zoo epochs 0", ["train", "--task", "two-moons", "--epochs", "0", "--out", "x"], "--epochs: '0' is not a positive integer" },
        { "zoo max-train 0", ["train", "--task", "two-moons", "--max-train", "0", "--out", "x"], "--max-train: '0' is not a positive integer" },
        { "zoo empty out", ["train", "--task", "two-moons", "--out", ""], "--out: expected a path, got an empty string" },
        { "zoo blank data", ["train", "--task", "two-moons", "--out", "x", "--data", "  "], "--data: expected a path" },
        { "zoo runs not a number", ["train", "--task", "two-moons", "--runs", "ten", "--out", "x"], "--runs: 'ten' is not a positive integer" },
        { "encode lr -1", ["train", "--graphs", "g", "--out", "x", "--lr", "-1"], "--lr: '-1' is not a number > 0" },
        { "encode lr NaN", ["train", "--graphs", "g", "--out", "x", "--lr", "NaN"], "--lr: 'NaN' is not a finite number" },
        { "encode heads huge", ["train", "--graphs", "g", "--out", "x", "--heads", "100000"], "--heads: '100000' is not an integer from 1 to 64" },
        { "encode epochs 0", ["train", "--graphs", "g", "--out", "x", "--epochs", "0"], "--epochs: '0' is not a positive integer" },
        { "graphs k 0", ["build", "--zoo", "z", "--out", "x", "--k", "0"], "--k: '0' is not a positive integer" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Bad_option_is_refused_with_a_line_naming_it(string name, string[] args, string expected)
    {
        Func<int> run = name.Split(' ')[0] switch
        {
            "zoo" => () => ZooCommand.Run(args),
            "encode" => () => EncodeCommand.Run(args),
            _ => () => GraphsCommand.Run(args),
        };
        var e = Assert.Throws<UsageException>(() => run());
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("--seeds", "1")]
    [InlineData("--runs", "0")]
    [InlineData("--encoder-epochs", "0")]
    [InlineData("--out", "")]
    public void Reproduce_refuses_the_same(string option, string value)
    {
        var e = Assert.Throws<UsageException>(() => ReproduceCommand.Reproduce(["--quick", "--tasks", "two-moons", option, value]));
        Assert.StartsWith(option + ":", e.Message);
    }
}
