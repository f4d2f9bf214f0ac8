using StructureReps.Backends.Cpu;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Spectral;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Training;
using Xunit;

namespace StructureReps.Tests.Graphs;

/// <summary>
/// `graphs build` decides "already built" from what the graphs were built from (a hash of run.json, the metrics
/// rows and the checkpoints), uses the checkpoints present when some are missing and says which, and loading a
/// graph zoo whose files are incomplete is refused.
/// </summary>
public sealed class GraphRebuildTests
{
    private static void TrainZoo(string dir, ulong seed) =>
        new ZooRunner(new ZooSpec { Task = "two-moons", Runs = 2, Epochs = 3, Output = dir, Seed = seed, MaxTrain = 300, MaxTest = 200 }, CpuBackend.Default).Run();

    private sealed class Notes : IGraphProgress
    {
        public readonly List<(int Run, bool Skipped, string Note)> Lines = [];
        public void RunDone(int position, int total, int run, int checkpoints, bool skipped, string peMethod, double seconds) => Lines.Add((run, skipped, peMethod));
    }

    [Fact]
    public void A_zoo_retrained_in_place_gets_new_graphs_and_an_unchanged_one_is_skipped()
    {
        using var zoo = new TempDir();
        using var graphs = new TempDir();
        var pe = new PeOptions { K = 4 };
        TrainZoo(zoo.Path, seed: 5);
        GraphZooBuilder.Build(zoo.Path, graphs.Path, pe);
        var first = File.ReadAllBytes(GraphZooBuilder.RunPath(graphs.Path, 0));

        var again = new Notes();
        GraphZooBuilder.Build(zoo.Path, graphs.Path, pe, again);
        Assert.All(again.Lines, l => Assert.True(l.Skipped));

        // The zoo retrained in place with another seed (deleted, trained again); the graphs must follow.
        Directory.Delete(zoo.Path, recursive: true);
        TrainZoo(zoo.Path, seed: 6);
        var rebuilt = new Notes();
        GraphZooBuilder.Build(zoo.Path, graphs.Path, pe, rebuilt);
        Assert.Contains(rebuilt.Lines, l => l.Run == 0 && !l.Skipped && l.Note.Contains("rebuilt: its checkpoints changed"));
        Assert.False(first.AsSpan().SequenceEqual(File.ReadAllBytes(GraphZooBuilder.RunPath(graphs.Path, 0))));
    }

    [Fact]
    public void Missing_checkpoints_are_left_out_and_named_and_the_rest_converted()
    {
        using var zoo = new TempDir();
        using var graphs = new TempDir();
        TrainZoo(zoo.Path, seed: 5);
        File.Delete(Path.Combine(zoo.Path, "run-0001", "epoch-0001.safetensors"));
        var notes = new Notes();
        GraphZooBuilder.Build(zoo.Path, graphs.Path, new PeOptions { K = 4 }, notes);
        Assert.Contains(notes.Lines, l => l.Run == 1 && l.Note.Contains("1 checkpoints missing (epoch 1)"));
        var run1 = GraphFile.Read(GraphZooBuilder.RunPath(graphs.Path, 1));
        Assert.Equal([0, 2, 3], run1.Graphs.Select(g => g.Targets.Epoch));
    }

    [Fact]
    public void Loading_a_graph_zoo_with_a_listed_file_missing_is_refused_naming_it()
    {
        using var zoo = new TempDir();
        using var graphs = new TempDir();
        TrainZoo(zoo.Path, seed: 5);
        GraphZooBuilder.Build(zoo.Path, graphs.Path, new PeOptions { K = 4 });
        File.Delete(GraphZooBuilder.RunPath(graphs.Path, 1));
        var e = Assert.Throws<FileNotFoundException>(() => GraphZooBuilder.Load(graphs.Path));
        Assert.Contains("run-0001.safetensors", e.Message);
    }
}
