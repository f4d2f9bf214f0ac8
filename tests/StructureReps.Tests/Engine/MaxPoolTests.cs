using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Core.Backends.Reference;
using Xunit;

namespace StructureReps.Tests.Engine;

/// <summary>
/// The CPU backend's 2×2 max-pool (vector rows of 8 and a scalar tail) picks the reference's pixel on ties and NaNs:
/// the first maximum in row-major order, a NaN only where it comes first. The gradient shows which pixel was picked.
/// </summary>
public sealed class MaxPoolTests
{
    [Fact]
    public void Ties_and_nans_pick_the_same_pixel_as_the_reference()
    {
        const int h = 4, w = 40; // 20 outputs per row: two vectors of 8 and a tail of 4
        var values = new float[2 * h * w];
        for (int i = 0; i < values.Length; i++) values[i] = (i / 7) % 3; // plateaus: many windows tie
        values[3] = float.NaN;      // second pixel of window 1: ignored
        values[2 * 10] = float.NaN; // first pixel of window 10: the result is NaN
        values[w + 18] = float.NaN; // a bottom-left pixel
        values[h * w + 33] = float.NaN;
        var (cpuY, cpuGrad) = Pool(values, CpuBackend.Default, h, w);
        var (refY, refGrad) = Pool(values, ReferenceBackend.Instance, h, w);
        Assert.Equal(refY, cpuY);
        Assert.Equal(refGrad, cpuGrad);
        Assert.True(float.IsNaN(cpuY[10]));
    }

    private static (float[] Y, float[] Grad) Pool(float[] values, Core.Backends.IBackend be, int h, int w)
    {
        var x = Tensor.From((float[])values.Clone(), [1, 2, h, w], be);
        x.RequiresGrad = true;
        var y = Ops.MaxPool2d(x, 2);
        var seed = Enumerable.Range(1, y.Length).Select(i => (float)i).ToArray(); // each output's own weight
        y.Backward(Tensor.From(seed, y.Shape, be));
        return (y.ToArray(), x.Grad!.ToArray());
    }
}
