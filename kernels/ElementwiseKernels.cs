using ILGPU;
using StructureReps.Core.Backends;

namespace StructureReps.Kernels;

/// <summary>
/// Elementwise kernels, all grid-stride over their elements. One version each: the work per element is a few
/// flops, so the only thing that matters is coalesced access, which the grid-stride loop gives.
/// <list type="bullet">
/// <item><c>Unary&lt;TFunction&gt;</c> / <c>UnaryDerivative&lt;TFunction&gt;</c>: generic over Core's function structs
/// (<see cref="IUnaryFunction"/>, generic math that ILGPU compiles with its algorithms enabled), one kernel source
/// for every function, specialized and inlined per struct.</item>
/// <item><c>Binary&lt;TOp&gt;</c>: broadcasting through <see cref="StridedIndex"/>; <c>BinaryDense</c> is the same with no
/// index arithmetic, for the common case of two operands of one shape.</item>
/// <item><c>Fill</c>, <c>CopyBlocks</c> (reshape, slice, concat; optionally accumulating), <c>Permute</c>.</item>
/// </list>
/// </summary>
public static class ElementwiseKernels
{
    public static void Fill(ArrayView<float> dst, int offset, int count, float value)
    {
        for (int i = GridStride.Start, step = GridStride.Step; i < count; i += step) dst[offset + i] = value;
    }

    /// <summary>dst[dstOffset + b·dstStride + j] (+)= src[srcOffset + b·srcStride + j], b &lt; blocks, j &lt; blockLength.</summary>
    public static void CopyBlocks(ArrayView<float> src, ArrayView<float> dst, BlockCopy copy, int accumulate)
    {
        int total = copy.Blocks * copy.BlockLength;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int b = i / copy.BlockLength, j = i - b * copy.BlockLength;
            int from = copy.SrcOffset + b * copy.SrcStride + j, to = copy.DstOffset + b * copy.DstStride + j;
            dst[to] = accumulate != 0 ? dst[to] + src[from] : src[from];
        }
    }

    public static void Unary<TFunction>(ArrayView<float> x, ArrayView<float> y, int n, float alpha)
        where TFunction : struct, IUnaryFunction
    {
        var f = default(TFunction);
        for (int i = GridStride.Start, step = GridStride.Step; i < n; i += step) y[i] = f.Apply(x[i], alpha);
    }

    /// <summary>dx[i] += dy[i]·f'(x[i]).</summary>
    public static void UnaryDerivative<TFunction>(ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy,
        ArrayView<float> dx, int n, float alpha) where TFunction : struct, IUnaryFunction
    {
        var f = default(TFunction);
        for (int i = GridStride.Start, step = GridStride.Step; i < n; i += step) dx[i] += dy[i] * f.Derivative(x[i], y[i], alpha);
    }

    public static void BinaryDense<TOp>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int n)
        where TOp : struct, IBinaryOperator
    {
        var op = default(TOp);
        for (int i = GridStride.Start, step = GridStride.Step; i < n; i += step) c[i] = op.Apply(a[i], b[i]);
    }

    public static void Binary<TOp>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, StridedIndex map, int n)
        where TOp : struct, IBinaryOperator
    {
        var op = default(TOp);
        for (int i = GridStride.Start, step = GridStride.Step; i < n; i += step)
        {
            map.Offsets(i, out int oa, out int ob);
            c[i] = op.Apply(a[oa], b[ob]);
        }
    }

    /// <summary>y[i] (+)= x[offset of output element i], the source offsets being <paramref name="map"/>'s A strides.</summary>
    public static void Permute(ArrayView<float> x, ArrayView<float> y, StridedIndex map, int n, int accumulate)
    {
        for (int i = GridStride.Start, step = GridStride.Step; i < n; i += step)
        {
            map.Offsets(i, out int from, out _);
            y[i] = accumulate != 0 ? y[i] + x[from] : x[from];
        }
    }
}

/// <summary>The geometry of <see cref="ElementwiseKernels.CopyBlocks"/>.</summary>
public struct BlockCopy
{
    public int SrcOffset, SrcStride, DstOffset, DstStride, Blocks, BlockLength;
}
