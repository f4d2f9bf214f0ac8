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

    [Fact]
    public void Shared_holders_coexist_an_exclusive_one_excludes_them_and_item_locks_are_separate()
    {
        using var dir = new TempDir();
        using (OutputLock.AcquireShared(dir.Path))
        using (OutputLock.AcquireShared(dir.Path))
        {
            var e = Assert.Throws<InvalidOperationException>(() => OutputLock.Acquire(dir.Path));
            Assert.StartsWith($"{dir.Path}: in use by another running process", e.Message);
            using (OutputLock.Acquire(dir.Path, "run-0001"))
            {
                var item = Assert.Throws<InvalidOperationException>(() => OutputLock.Acquire(dir.Path, "run-0001"));
                Assert.StartsWith($"{dir.Path}: run-0001: in use by another running process (process {Environment.ProcessId})", item.Message);
                OutputLock.Acquire(dir.Path, "run-0002").Dispose();
            }
        }
        using (OutputLock.Acquire(dir.Path))
            Assert.Throws<InvalidOperationException>(() => OutputLock.AcquireShared(dir.Path));
    }

    [Fact]
    public void Sharded_graph_builds_split_the_runs_and_an_unsharded_build_completes_the_same_graph_zoo()
    {
        using var dir = new TempDir();
        string zoo = dir.File("zoo"), sharded = dir.File("sharded"), whole = dir.File("whole");
        new ZooRunner(new ZooSpec { Task = "two-moons", Runs = 3, Epochs = 2, Output = zoo }, StructureReps.Backends.Cpu.CpuBackend.Default).Run();
        GraphZooBuilder.Build(zoo, whole, new PeOptions());

        GraphZooBuilder.Build(zoo, sharded, new PeOptions(), shardIndex: 1, shardCount: 2);
        Assert.Equal(["run-0001.safetensors"], Directory.GetFiles(sharded, "run-*").Select(Path.GetFileName));
        // Until every shard is done, the graph zoo is refused, not loaded with fewer runs.
        var e = Assert.Throws<FileNotFoundException>(() => GraphZooBuilder.Load(sharded));
        Assert.Contains("run-0000.safetensors: listed in", e.Message);
        using (OutputLock.Acquire(sharded, "run-0002")) // shard 0's second run held by another writer
        {
            var held = Assert.Throws<InvalidOperationException>(() => GraphZooBuilder.Build(zoo, sharded, new PeOptions(), shardIndex: 0, shardCount: 2));
            Assert.Contains("run-0002: in use by another running process", held.Message);
        }
        GraphZooBuilder.Build(zoo, sharded, new PeOptions(), shardIndex: 0, shardCount: 2);
        var progress = new Recorder();
        GraphZooBuilder.Build(zoo, sharded, new PeOptions(), progress);
        Assert.Equal(3, progress.Skipped); // everything built by the shards; this build only completes graphs.json
        foreach (string file in Directory.GetFiles(whole, "run-*"))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(sharded, Path.GetFileName(file))));
        Assert.Equal(3, GraphZooBuilder.Load(sharded).Count);
    }

    private sealed class Recorder : IGraphProgress
    {
        public int Skipped;

        public void RunDone(int position, int total, int run, int checkpoints, bool skipped, string peMethod, double seconds) => Skipped += skipped ? 1 : 0;
    }
}
