using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Data;
using StructureReps.Zoo.Models;
using StructureReps.Zoo.Training;

namespace StructureReps.Tests.Zoo;

public class TrainerTests
{
    [Fact]
    public void Mlp_on_two_moons_reaches_97_percent_test_accuracy()
    {
        var task = TwoMoons.Load(seed: 3);
        var config = new TrainConfig { Epochs = 40, BatchSize = 32, LearningRate = 0.01f, Seed = 11 };
        var net = Architecture.Mlp(2, 20, 20, 2).Build(new Rng(config.Seed), CpuBackend.Default);
        var trainer = new Trainer(net, config, CpuBackend.Default);
        for (int e = 1; e <= config.Epochs; e++) trainer.TrainEpoch(task.Train, e);
        var (accuracy, loss) = trainer.Evaluate(task.Test);
        Assert.True(accuracy >= 0.97, $"two-moons test accuracy {accuracy:F4} < 0.97 (loss {loss:F4})");
    }

    [Trait("Speed", "slow")]
    [DataFact(FashionMnist.DebianDir + "/train-images-idx3-ubyte.gz")]
    public void Small_cnn_learns_fashion_mnist_far_above_chance()
    {
        // The Small CNN Zoo shape (3 × conv3×3 stride 2, GAP, linear) at 32 channels, 4,000 images, 6 epochs.
        var task = FashionMnist.Load(DataFiles.DefaultRoot(), maxTrain: 4000, maxTest: 1000);
        var config = new TrainConfig { Epochs = 6, BatchSize = 32, LearningRate = 5e-3f, Seed = 1 };
        var arch = Architecture.Cnn([1, 28, 28], [new ConvSpec(32, 3, 2), new ConvSpec(32, 3, 2), new ConvSpec(32, 3, 2)], 10);
        var net = arch.Build(new Rng(config.Seed), CpuBackend.Default);
        var trainer = new Trainer(net, config, CpuBackend.Default);
        for (int e = 1; e <= config.Epochs; e++) trainer.TrainEpoch(task.Train, e);
        var (accuracy, _) = trainer.Evaluate(task.Test);
        Assert.True(accuracy >= 0.80, $"Fashion-MNIST test accuracy {accuracy:F4} < 0.80 (chance 0.10)");
    }

    private static ZooSpec MoonsZoo(string dir, int runs = 2, int epochs = 4) => new()
    {
        Task = "two-moons", Runs = runs, Epochs = epochs, Output = dir, Seed = 5, MaxTrain = 300, MaxTest = 200,
    };

    private static Dictionary<string, byte[]> Files(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("zoo.json"))
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    [Fact]
    public void Seeded_zoo_gives_identical_files_twice()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        new ZooRunner(MoonsZoo(a.Path), CpuBackend.Default).Run();
        new ZooRunner(MoonsZoo(b.Path), CpuBackend.Default).Run();
        var fa = Files(a.Path);
        var fb = Files(b.Path);
        Assert.Equal(fa.Keys.Order(), fb.Keys.Order());
        Assert.Contains("run-0001/epoch-0004.safetensors", fa.Keys);
        foreach (var (name, bytes) in fa) Assert.True(bytes.AsSpan().SequenceEqual(fb[name]), $"{name} differs between two seeded runs");
    }

    /// <summary>Cancels the run after a given epoch, as a Ctrl-C or a killed job would.</summary>
    private sealed class StopAfter(int epoch, CancellationTokenSource cts) : IZooProgress
    {
        public void RunStarted(int run, int total, int position, RunInfo info, int resumeFrom) { }
        public void EpochDone(int run, EpochMetrics m, int epochs) { if (m.Epoch == epoch) cts.Cancel(); }
        public void RunDone(int run, RunSummary s) { }
    }

    [Fact]
    public void Interrupted_run_resumes_to_the_same_files_as_an_uninterrupted_one()
    {
        using var straight = new TempDir();
        using var interrupted = new TempDir();
        new ZooRunner(MoonsZoo(straight.Path, runs: 1, epochs: 5), CpuBackend.Default).Run();

        var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() =>
            new ZooRunner(MoonsZoo(interrupted.Path, runs: 1, epochs: 5), CpuBackend.Default, new StopAfter(2, cts)).Run(cts.Token));
        Assert.False(File.Exists(Path.Combine(interrupted.Path, "run-0000", "epoch-0003.safetensors")));
        var files = new RunFiles(Path.Combine(interrupted.Path, "run-0000"));
        Assert.Equal(2, new StructureReps.Nn.Training.CheckpointedRun(files.Directory).StateEpoch());
        var results = new ZooRunner(MoonsZoo(interrupted.Path, runs: 1, epochs: 5), CpuBackend.Default).Run();
        Assert.False(results[0].Skipped);

        var fa = Files(straight.Path);
        var fb = Files(interrupted.Path);
        Assert.Equal(fa.Keys.Order(), fb.Keys.Order());
        foreach (var (name, bytes) in fa) Assert.True(bytes.AsSpan().SequenceEqual(fb[name]), $"{name} differs after resuming");

        var again = new ZooRunner(MoonsZoo(interrupted.Path, runs: 1, epochs: 5), CpuBackend.Default).Run();
        Assert.True(again[0].Skipped, "a complete run is skipped on rerun");
    }

    [Fact]
    public void Resume_recomputes_an_epoch_whose_optimizer_state_was_not_saved()
    {
        using var straight = new TempDir();
        using var crashed = new TempDir();
        new ZooRunner(MoonsZoo(straight.Path, runs: 1, epochs: 3), CpuBackend.Default).Run();
        new ZooRunner(MoonsZoo(crashed.Path, runs: 1, epochs: 3), CpuBackend.Default).Run();
        // Simulate a crash after epoch 3's weights and metrics were written but before its optimizer state:
        // put back the state after epoch 2 (from a 2-epoch zoo of the same seed, whose first epochs are identical).
        using var two = new TempDir();
        new ZooRunner(MoonsZoo(two.Path, runs: 1, epochs: 2), CpuBackend.Default).Run();
        File.Copy(Path.Combine(two.Path, "run-0000", "state.safetensors"), Path.Combine(crashed.Path, "run-0000", "state.safetensors"), overwrite: true);
        var results = new ZooRunner(MoonsZoo(crashed.Path, runs: 1, epochs: 3), CpuBackend.Default).Run();
        Assert.False(results[0].Skipped, "epoch 3 must be recomputed");
        var fa = Files(straight.Path);
        foreach (var (name, bytes) in Files(crashed.Path)) Assert.True(bytes.AsSpan().SequenceEqual(fa[name]), $"{name} differs after recomputing");
    }

    [Fact]
    public void Shards_split_the_runs_without_overlap()
    {
        using var dir = new TempDir();
        var s0 = new ZooRunner(MoonsZoo(dir.Path, runs: 5, epochs: 1) with { ShardIndex = 0, ShardCount = 2 }, CpuBackend.Default).Run();
        var s1 = new ZooRunner(MoonsZoo(dir.Path, runs: 5, epochs: 1) with { ShardIndex = 1, ShardCount = 2 }, CpuBackend.Default).Run();
        Assert.Equal([0, 2, 4], s0.Select(r => r.Run));
        Assert.Equal([1, 3], s1.Select(r => r.Run));
        Assert.Equal(5, Directory.GetDirectories(dir.Path, "run-*").Length);
    }

    [Fact]
    public void Structural_variants_keep_the_parameter_count_within_two_percent()
    {
        foreach (var regular in new[] { Architecture.Mlp(54, 64, 64, 7), Architecture.Mlp(8, 64, 64, 1) })
            foreach (var v in new[] { "deeper", "wider" })
            {
                var a = Architecture.WithVariant(regular, v);
                Assert.InRange(a.ParameterCount(), 0.98 * regular.ParameterCount(), 1.02 * regular.ParameterCount());
                Assert.Equal(v == "deeper" ? 6 : 3, a.Sizes!.Length);
            }
        Assert.Equal(4_970, StructureReps.Zoo.Tasks.Get("fashion-mnist").Architecture.ParameterCount());
    }
}
