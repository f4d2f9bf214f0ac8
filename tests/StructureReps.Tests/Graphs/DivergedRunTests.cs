using StructureReps.Backends.Cpu;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Spectral;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Training;
using Xunit;

namespace StructureReps.Tests.Graphs;

/// <summary>A zoo run that diverged (NaN losses from some epoch on, as SGD with a large step does) is built up to there.</summary>
public sealed class DivergedRunTests
{
    [Fact]
    public void Checkpoints_from_the_epoch_a_run_diverged_are_left_out_and_said()
    {
        using var zoo = new TempDir();
        using var graphs = new TempDir();
        new ZooRunner(new ZooSpec { Task = "two-moons", Runs = 2, Epochs = 4, Output = zoo.Path, Seed = 5, MaxTrain = 300, MaxTest = 200 }, new CpuBackend()).Run();
        // Run 1 "diverges" at epoch 2: its metrics turn NaN from there on (its weights would be NaN too).
        string metrics = Path.Combine(zoo.Path, "run-0001", "metrics.csv");
        var lines = File.ReadAllLines(metrics);
        for (int i = 3; i < lines.Length; i++) lines[i] = $"{i - 1},NaN,NaN,NaN,NaN";
        File.WriteAllLines(metrics, lines);
        var notes = new List<string>();
        GraphZooBuilder.Build(zoo.Path, graphs.Path, new PeOptions { K = 4 }, new Notes(notes));
        Assert.Equal(5, GraphFile.Checkpoints(GraphZooBuilder.RunPath(graphs.Path, 0)));
        Assert.Equal(2, GraphFile.Checkpoints(GraphZooBuilder.RunPath(graphs.Path, 1)));
        Assert.Contains(notes, n => n.Contains("diverged at epoch 2, 3 checkpoints left out"));
    }

    private sealed class Notes(List<string> notes) : IGraphProgress
    {
        public void RunDone(int position, int total, int run, int checkpoints, bool skipped, string peMethod, double seconds) => notes.Add(peMethod);
    }
}
