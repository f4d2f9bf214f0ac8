using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Nn.Serialization;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Training;
using Xunit;

namespace StructureReps.Tests.Zoo;

/// <summary>
/// A zoo folder whose files disagree (metrics, weights, optimizer state, zoo.json) never resumes into different
/// numbers: it starts the run over and says so, or refuses naming the file; a run whose loss turns non-finite stops.
/// </summary>
public sealed class ZooResumeTests
{
    private static ZooSpec Moons(string dir, int epochs = 3, ulong seed = 5) => new()
    {
        Task = "two-moons", Runs = 1, Epochs = epochs, Output = dir, Seed = seed, MaxTrain = 300, MaxTest = 200,
    };

    private static Dictionary<string, byte[]> Files(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f).Replace('\\', '/'), File.ReadAllBytes);

    private sealed class Notes : IZooProgress
    {
        public readonly List<string> Lines = [];
        public Action<EpochMetrics>? OnEpoch;
        public void RunStarted(int run, int total, int position, RunInfo info, int resumeFrom) { }
        public void EpochDone(int run, EpochMetrics m, int epochs) => OnEpoch?.Invoke(m);
        public void RunDone(int run, RunSummary s) { }
        public void Note(int run, string message) => Lines.Add(message);
    }

    /// <summary>A 4-epoch zoo interrupted after epoch 2, as a Ctrl-C would: weights, metrics and state of epoch 2 on disk.</summary>
    private static void StopAfterEpoch2(string dir)
    {
        var cts = new CancellationTokenSource();
        var stop = new Notes { OnEpoch = m => { if (m.Epoch == 2) cts.Cancel(); } };
        Assert.Throws<OperationCanceledException>(() => new ZooRunner(Moons(dir, epochs: 4), CpuBackend.Default, stop).Run(cts.Token));
    }

    [Fact]
    public void Metrics_that_lost_rows_behind_the_optimizer_state_make_the_run_start_over_to_the_same_files()
    {
        using var straight = new TempDir();
        using var damaged = new TempDir();
        new ZooRunner(Moons(straight.Path), CpuBackend.Default).Run();
        new ZooRunner(Moons(damaged.Path), CpuBackend.Default).Run();
        string metrics = Path.Combine(damaged.Path, "run-0000", "metrics.csv");
        File.WriteAllLines(metrics, File.ReadAllLines(metrics)[..3]); // header, epochs 0 and 1; the state is epoch 3's
        var notes = new Notes();
        var result = new ZooRunner(Moons(damaged.Path), CpuBackend.Default, notes).Run();
        Assert.False(result[0].Skipped);
        Assert.Contains(notes.Lines, l => l.Contains("optimizer state of epoch 3, but weights and log only up to epoch 1") && l.Contains("retraining from epoch 0"));
        var expected = Files(straight.Path);
        foreach (var (name, bytes) in Files(damaged.Path)) Assert.True(bytes.AsSpan().SequenceEqual(expected[name]), $"{name} differs");
    }

    [Fact]
    public void An_optimizer_state_missing_an_entry_is_refused_naming_the_file_and_the_entry()
    {
        using var dir = new TempDir();
        StopAfterEpoch2(dir.Path);
        string state = Path.Combine(dir.Path, "run-0000", "state.safetensors");
        var (tensors, meta) = SafeTensors.Read(state);
        string dropped = tensors[1].Name;
        SafeTensors.Write(state, [.. tensors.Where(t => t.Name != dropped)], meta);
        var e = Assert.Throws<DataFormatException>(() => new ZooRunner(Moons(dir.Path, epochs: 4), CpuBackend.Default).Run());
        Assert.Contains("state.safetensors", e.Message);
        Assert.Contains(dropped, e.Message);
    }

    [Fact]
    public void A_checkpoint_with_NaN_weights_at_the_resume_point_is_refused_naming_it()
    {
        using var dir = new TempDir();
        StopAfterEpoch2(dir.Path);
        string checkpoint = Path.Combine(dir.Path, "run-0000", "epoch-0002.safetensors");
        var (tensors, meta) = SafeTensors.Read(checkpoint);
        tensors[0].Data[3] = float.NaN;
        SafeTensors.Write(checkpoint, tensors, meta);
        var e = Assert.Throws<DataFormatException>(() => new ZooRunner(Moons(dir.Path, epochs: 4), CpuBackend.Default).Run());
        Assert.Contains("epoch-0002.safetensors", e.Message);
        Assert.Contains(tensors[0].Name, e.Message);
    }

    [Fact]
    public void A_folder_holding_another_zoo_is_refused_before_anything_is_written()
    {
        using var dir = new TempDir();
        new ZooRunner(Moons(dir.Path), CpuBackend.Default).Run();
        var before = Files(dir.Path);
        var e = Assert.Throws<InvalidOperationException>(() => new ZooRunner(Moons(dir.Path, seed: 6), CpuBackend.Default).Run());
        Assert.Contains("zoo.json: holds another zoo", e.Message);
        var after = Files(dir.Path);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} was rewritten");
    }

    [Fact]
    public void A_run_whose_loss_turns_non_finite_stops_there_says_so_and_is_complete_on_rerun()
    {
        using var dir = new TempDir();
        var spec = Moons(dir.Path, epochs: 6) with { Adjust = c => c with { Optimizer = "sgd", LearningRate = 1e30f } };
        var notes = new Notes();
        var result = new ZooRunner(spec, CpuBackend.Default, notes).Run();
        var note = Assert.Single(notes.Lines);
        Assert.Matches(@"run 0: diverged at epoch \d", note);
        int epoch = int.Parse(System.Text.RegularExpressions.Regex.Match(note, @"epoch (\d+)").Groups[1].Value);
        Assert.InRange(epoch, 1, 5); // stopped before the last epoch
        Assert.Equal(epoch + 2, File.ReadAllLines(Path.Combine(dir.Path, "run-0000", "metrics.csv")).Length);
        Assert.False(File.Exists(Path.Combine(dir.Path, "run-0000", $"epoch-{epoch + 1:D4}.safetensors")));
        Assert.False(double.IsFinite(result[0].Final.TrainLoss));
        var again = new ZooRunner(spec, CpuBackend.Default).Run();
        Assert.True(again[0].Skipped, "a diverged run is complete: the rerun does not train it again");
    }
}
