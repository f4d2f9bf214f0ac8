using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Core.Backends.Reference;
using StructureReps.Nn.Modules;
using StructureReps.Nn.Optim;
using Xunit;
using Xunit.Abstractions;

namespace StructureReps.Tests.Engine;

/// <summary>A seeded 2-layer MLP on a tiny generated problem trains to a pinned loss (llm.c's expected_losses).</summary>
public sealed class MlpTrainingTests(ITestOutputHelper output)
{
    /// <summary>Two noisy concentric rings (radius 1 → class 0, radius 2 → class 1), 128 points.</summary>
    private static (float[] X, int[] Y) Rings()
    {
        var rng = new Rng(2026);
        var x = new float[128 * 2];
        var y = new int[128];
        for (int i = 0; i < 128; i++)
        {
            y[i] = i % 2;
            double angle = rng.Uniform(0, 2 * Math.PI), radius = 1 + y[i] + 0.15 * rng.NextGaussian();
            x[2 * i] = (float)(radius * Math.Cos(angle));
            x[2 * i + 1] = (float)(radius * Math.Sin(angle));
        }
        return (x, y);
    }

    internal static float[] Train(IBackend be, int steps = 60)
    {
        var (xs, ys) = Rings();
        var rng = new Rng(1);
        var l1 = new Linear(2, 16, rng, backend: be);
        var l2 = new Linear(16, 2, rng, backend: be);
        var opt = new Adam([.. l1.Parameters(), .. l2.Parameters()], lr: 0.05f);
        var x = Tensor.From(xs, [128, 2], be);
        var labels = new IndexTensor(ys);
        var losses = new float[steps];
        for (int s = 0; s < steps; s++)
        {
            opt.ZeroGrad();
            var loss = Ops.CrossEntropy(l2.Forward(Ops.Relu(l1.Forward(x))), labels);
            loss.Backward();
            opt.Step();
            losses[s] = loss.Item();
        }
        return losses;
    }

    // Pinned on the reference backend (double precision throughout).
    internal static readonly (int Step, double Loss)[] Pinned = [(0, 0.70344347), (10, 0.28209215), (30, 0.011347276), (59, 0.002053295)];

    [Fact]
    public void Reference_backend_trains_to_the_pinned_losses()
    {
        var losses = Train(ReferenceBackend.Instance);
        output.WriteLine(string.Join(", ", Pinned.Select(p => $"({p.Step}, {losses[p.Step]:R})")));
        foreach (var (step, expected) in Pinned) Assert.Equal(expected, losses[step], 6);
        Assert.True(losses[^1] < 0.25 * losses[0], $"loss fell only from {losses[0]} to {losses[^1]}");
    }

    [Fact]
    public void Cpu_backend_follows_the_reference_and_is_bit_reproducible()
    {
        foreach (var be in new IBackend[] { CpuBackend.Default, new CpuBackend(useNativeBlas: false) })
        {
            var first = Train(be);
            Assert.Equal(first, Train(be));
            foreach (var (step, expected) in Pinned) Assert.Equal(expected, first[step], 3);
        }
    }
}
