using StructureReps.Decoding.Probing;
using StructureReps.Pipeline.Reports;
using Xunit;

namespace StructureReps.Tests.Pipeline;

/// <summary>The report's reading of the paper's claims: each verdict follows its stated rule from the numbers.</summary>
public sealed class ClaimReadingTests
{
    private static ProbeResult R(string task, string method, string target, double r) =>
        new(task, Method.Of(method), Split.Random, target == "train" ? Target.Train : Target.Test, new ProbeSummary(r, 0, r, r, r, 5));

    [Fact]
    public void Orderings_CNN_numbers_and_Figure_2_get_the_verdicts_their_numbers_give_and_tasks_not_run_say_so()
    {
        var results = new List<ProbeResult>
        {
            R("two-moons", "ea-tc-lf", "test", 0.9), R("two-moons", "ea-gc-lf", "test", 0.8), R("two-moons", "gc-lf", "test", 0.7), R("two-moons", "gc-rf", "test", 0.6),
            R("covertype", "ea-tc-lf", "test", 0.6), R("covertype", "ea-gc-lf", "test", 0.8), R("covertype", "gc-lf", "test", 0.7), R("covertype", "gc-rf", "test", 0.5),
            R("cifar10", "ea-tc-lf", "train", 0.90), // the paper's 0.94 − 0.04: within the tolerance
        };
        var options = new ReproduceOptions
        {
            Output = "x",
            Tasks = [new TaskPlan("two-moons", 1, 1), new TaskPlan("covertype", 1, 1), new TaskPlan("cifar10", 1, 1)],
        };
        var outcome = new Reproduction.Outcome(results, [], [], TimeSpan.Zero, new Figure2Result("", 0.6, 0.1));
        var lines = ClaimReading.Render(outcome, options).Split('\n');
        string Row(string start) => Assert.Single(lines, l => l.StartsWith("| " + start, StringComparison.Ordinal));

        Assert.Contains("| holds |", Row("ordering EA+TC+LF > EA+GC+LF > GC+LF > GC+RF on two-moons"));
        Assert.Contains("| does not hold |", Row("ordering EA+TC+LF > EA+GC+LF > GC+LF > GC+RF on covertype"));
        Assert.Contains("EA+TC+LF 0.60; 0.86", Row("ordering EA+TC+LF > EA+GC+LF > GC+LF > GC+RF on covertype"));
        Assert.Contains("| not tested | task not run |", Row("ordering EA+TC+LF > EA+GC+LF > GC+LF > GC+RF on california-housing"));
        Assert.Contains("| holds | 0.90; 0.94 |", Row("CIFAR-10"));
        Assert.Contains("| not tested |", Row("ImageNet"));
        Assert.Contains("| holds | silhouette 0.600 |", Row("Figure 2: the regular, deeper and wider variants separate"));
        Assert.Contains("| partly (weak) | Spearman ρ 0.100 |", Row("Figure 2: distance in embedding space"));
    }
}
