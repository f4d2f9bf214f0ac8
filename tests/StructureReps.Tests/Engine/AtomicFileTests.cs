using StructureReps.Core;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Engine;

/// <summary>
/// Temporary files of a killed writer (NAME.tmp-PID-GUID with a PID no longer running) are removed when a stage
/// starts; a live process's, and files that only look alike, are left alone.
/// </summary>
public sealed class AtomicFileTests
{
    [Fact]
    public void Orphans_of_dead_processes_go_and_live_ones_stay()
    {
        using var dir = new TempDir();
        string guid = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(Path.Combine(dir.Path, "run-0000"));
        string dead = Path.Combine(dir.Path, "run-0000", $"epoch-0003.safetensors.tmp-{int.MaxValue - 1}-{guid}");
        string live = Path.Combine(dir.Path, $"metrics.csv.tmp-{Environment.ProcessId}-{guid}");
        string lookalike = Path.Combine(dir.Path, "notes.tmp-by-hand");
        foreach (var f in new[] { dead, live, lookalike }) File.WriteAllText(f, "x");

        Assert.Equal(1, AtomicFile.RemoveOrphans(dir.Path));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(lookalike));
        Assert.Equal(0, AtomicFile.RemoveOrphans(Path.Combine(dir.Path, "missing")));
    }

    [Fact]
    public void A_write_leaves_no_temporary_file_and_a_failed_one_leaves_the_old_file()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "a.txt");
        AtomicFile.WriteAllText(path, "one");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => { s.WriteByte(1); throw new InvalidOperationException("disk gone"); }));
        Assert.Equal("one", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }
}
