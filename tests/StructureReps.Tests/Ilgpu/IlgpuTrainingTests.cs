using StructureReps.Backends.Cpu;
using StructureReps.Backends.Ilgpu;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Graphs.Encoding;
using StructureReps.Tests.Engine;
using StructureReps.Tests.Graphs;
using StructureReps.Tests.Support;
using StructureReps.Zoo;
using StructureReps.Zoo.Data;
using StructureReps.Zoo.Training;
using Xunit;

namespace StructureReps.Tests.Ilgpu;

/// <summary>
/// Whole training runs on the ILGPU backend, unchanged: the seeded MLP reaches the reference's pinned losses,
/// a zoo CNN's epoch and a VGAE encoder's epochs follow the SIMD CPU backend, and reruns give the same bits.
/// </summary>
[Trait("Speed", "slow")]
public sealed class IlgpuTrainingTests
{
    private static IBackend Ilgpu => IlgpuDevices.Get(IlgpuDeviceKind.Cpu);

    [Fact]
    public void Mlp_trains_to_the_pinned_losses_and_repeats_bit_for_bit()
    {
        var first = MlpTrainingTests.Train(Ilgpu);
        Assert.Equal(first, MlpTrainingTests.Train(Ilgpu));
        foreach (var (step, expected) in MlpTrainingTests.Pinned) Assert.Equal(expected, first[step], 3);
    }

    private static (double Loss, double Accuracy) CnnEpoch(IBackend backend)
    {
        var rng = new Rng(9);
        const int images = 256;
        var data = new Dataset(rng.NormalArray(images * 784), [1, 28, 28],
            Enumerable.Range(0, images).Select(_ => rng.NextInt(10)).ToArray(), null, 10);
        var config = new TrainConfig { BatchSize = 64, LearningRate = 1e-3f, Seed = 1 };
        var trainer = new Trainer(Tasks.Get("fashion-mnist").Architecture.Build(new Rng(1), backend), config, backend);
        double loss = trainer.TrainEpoch(data, 1);
        return (loss, trainer.Evaluate(data).Performance);
    }

    [Fact]
    public void Zoo_cnn_epoch_follows_the_cpu_backend()
    {
        var cpu = CnnEpoch(CpuBackend.Default);
        var gpu = CnnEpoch(Ilgpu);
        Assert.Equal(cpu.Loss, gpu.Loss, 1e-3 * cpu.Loss);
        Assert.Equal(cpu.Accuracy, gpu.Accuracy, 0.02);
    }

    private static double[] EncoderLosses(IBackend backend, string config)
    {
        using var dir = new TempDir();
        var graphs = VgaeTests.TinyZoo(6);
        new EncoderTrainer(EncoderConfig.Named(config) with { Epochs = 3, BatchGraphs = 3, Seed = 4 }, backend).Train(graphs, "t", dir.Path);
        return File.ReadAllLines(Path.Combine(dir.Path, EncoderTrainer.LogFileName)).Skip(1)
            .Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    [Theory]
    [InlineData("ea-tc-lf")]
    [InlineData("ea-gc-lf")]
    public void Vgae_encoder_epochs_follow_the_cpu_backend(string config)
    {
        var cpu = EncoderLosses(CpuBackend.Default, config);
        var gpu = EncoderLosses(Ilgpu, config);
        Assert.Equal(3, gpu.Length);
        for (int e = 0; e < cpu.Length; e++) Assert.Equal(cpu[e], gpu[e], 2e-3 * Math.Abs(cpu[e]));
        Assert.Equal(gpu, EncoderLosses(Ilgpu, config));
    }
}
