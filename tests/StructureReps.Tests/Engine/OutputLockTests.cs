using StructureReps.Core;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Spectral;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Training;
using Xunit;

namespace StructureReps.Tests.Engine;

/// <summary>
/// A folder another writer holds is refused with one line naming it (zoo runs are locked one run folder at a time,
/// so shards can share a zoo folder); the lock goes with its holder.
/// </summary>
public sealed class OutputLockTests
{
    [Fact]
    public void A_held_folder_is_refused_and_free_again_after_release()
    {
        using var dir = new TempDir();
        var held = OutputLock.Acquire(dir.Path);
        var e = Assert.Throws<InvalidOperationException>(() => OutputLock.Acquire(dir.Path));
        Assert.StartsWith($"{dir.Path}: in use by another running process", e.Message);
        held.Dispose();
        OutputLock.Acquire(dir.Path).Dispose();
    }

    [Fact]
    public void Zoo_training_refuses_a_run_folder_in_use_and_graph_building_a_folder_in_use()
    {
        using var dir = new TempDir();
        using (OutputLock.Acquire(Path.Combine(dir.Path, "zoo", "run-0000")))
        {
            var spec = new ZooSpec { Task = "two-moons", Runs = 1, Epochs = 2, Output = Path.Combine(dir.Path, "zoo") };
            var e = Assert.Throws<InvalidOperationException>(() => new ZooRunner(spec, StructureReps.Backends.Cpu.CpuBackend.Default).Run());
            Assert.Contains("run-0000: in use by another running process", e.Message);
        }
        new ZooRunner(new ZooSpec { Task = "two-moons", Runs = 1, Epochs = 2, Output = Path.Combine(dir.Path, "zoo") }, StructureReps.Backends.Cpu.CpuBackend.Default).Run();
        string graphs = Path.Combine(dir.Path, "graphs");
        using (OutputLock.Acquire(graphs))
            Assert.Throws<InvalidOperationException>(() => GraphZooBuilder.Build(Path.Combine(dir.Path, "zoo"), graphs, new PeOptions()));
        GraphZooBuilder.Build(Path.Combine(dir.Path, "zoo"), graphs, new PeOptions());
    }
}
