using StructureReps.Core.Sparse;

namespace StructureReps.Core.Backends;

/// <summary>
/// The optional kernels, called as if every backend had them: the backend's own when it implements the capability,
/// else the op composed from <see cref="IBackend"/>'s primitives (Composed/). Ops call these, never a capability
/// interface directly, so a backend with the primitives alone runs every op. PrimitivesOnlyConformanceTests run
/// the whole op suite through the composed versions.
/// </summary>
public static class Capabilities
{
    public static void Im2Col(this IBackend be, DeviceBuffer x, in ConvShape s, DeviceBuffer cols)
    {
        if (be is IConvolutionKernels k) k.Im2Col(x, s, cols);
        else ComposedConvolution.Im2Col(be, x, s, cols);
    }

    public static void Col2Im(this IBackend be, DeviceBuffer cols, in ConvShape s, DeviceBuffer dx)
    {
        if (be is IConvolutionKernels k) k.Col2Im(cols, s, dx);
        else ComposedConvolution.Col2Im(be, cols, s, dx);
    }

    /// <summary>
    /// Pooling. The arg-max is for <see cref="MaxPool2dBackward"/> of the same backend only: a backend's kernels
    /// give flat indices into x, the composed version indices into its gathered windows.
    /// </summary>
    public static void Pool2d(this IBackend be, ReduceOp op, DeviceBuffer x, in ConvShape s, DeviceBuffer y, IndexBuffer? argmax)
    {
        if (be is IConvolutionKernels k) k.Pool2d(op, x, s, y, argmax);
        else ComposedConvolution.Pool2d(be, op, x, s, y, argmax);
    }

    public static void AvgPool2dBackward(this IBackend be, DeviceBuffer dy, in ConvShape s, DeviceBuffer dx)
    {
        if (be is IConvolutionKernels k) k.AvgPool2dBackward(dy, s, dx);
        else ComposedConvolution.AvgPool2dBackward(be, dy, s, dx);
    }

    public static void MaxPool2dBackward(this IBackend be, DeviceBuffer dy, IndexBuffer argmax, in ConvShape s, DeviceBuffer dx)
    {
        if (be is IConvolutionKernels k) k.MaxPool2dBackward(dy, argmax, s, dx);
        else ComposedConvolution.MaxPool2dBackward(be, dy, argmax, s, dx);
    }

    public static void SegmentSoftmax(this IBackend be, DeviceBuffer src, int cols, SegmentIndex segments, DeviceBuffer dst)
    {
        if (be is ISparseAttentionKernels k) k.SegmentSoftmax(src, cols, segments, dst);
        else ComposedSparseAttention.SegmentSoftmax(be, src, cols, segments, dst);
    }

    public static void SegmentSoftmaxBackward(this IBackend be, DeviceBuffer y, DeviceBuffer dy, int cols, SegmentIndex segments, DeviceBuffer dsrc)
    {
        if (be is ISparseAttentionKernels k) k.SegmentSoftmaxBackward(y, dy, cols, segments, dsrc);
        else ComposedSparseAttention.SegmentSoftmaxBackward(be, y, dy, cols, segments, dsrc);
    }

    public static void SegmentWeightedSum(this IBackend be, DeviceBuffer src, int heads, int channels, IndexBuffer gather, DeviceBuffer weights,
        SegmentIndex segments, DeviceBuffer dst, bool accumulate)
    {
        if (be is ISparseAttentionKernels k) k.SegmentWeightedSum(src, heads, channels, gather, weights, segments, dst, accumulate);
        else ComposedSparseAttention.SegmentWeightedSum(be, src, heads, channels, gather, weights, segments, dst, accumulate);
    }

    public static void EdgeDot(this IBackend be, DeviceBuffer a, IndexBuffer ia, DeviceBuffer b, IndexBuffer ib, int count, int heads, int channels,
        DeviceBuffer dst, bool accumulate)
    {
        if (be is ISparseAttentionKernels k) k.EdgeDot(a, ia, b, ib, count, heads, channels, dst, accumulate);
        else ComposedSparseAttention.EdgeDot(be, a, ia, b, ib, count, heads, channels, dst, accumulate);
    }

    public static void LogSoftmax(this IBackend be, DeviceBuffer x, int rows, int cols, DeviceBuffer y)
    {
        if (be is IFusedLogSoftmax k) k.LogSoftmax(x, rows, cols, y);
        else ComposedLogSoftmax.LogSoftmax(be, x, rows, cols, y);
    }

    public static void OptimizerUpdate(this IBackend be, in OptimizerStep step, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer state1,
        DeviceBuffer? state2, int n)
    {
        if (be is IFusedOptimizer k) k.OptimizerUpdate(step, param, grad, state1, state2, n);
        else ComposedOptimizer.Update(be, step, param, grad, state1, state2, n);
    }
}
