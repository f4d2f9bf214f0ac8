namespace StructureReps.Core.Backends;

/// <summary>
/// Optional kernels of convolution by im2col and of pooling. Without them (<see cref="Capabilities"/>) the ops
/// run composed: im2col as a gather through an index map, its adjoint and the pooling backwards as segment sums
/// over the same map, pooling as a gather of windows and a reduction (Composed/ComposedConvolution.cs).
/// </summary>
public interface IConvolutionKernels
{
    /// <summary>
    /// Unfolds x [batch, C, H, W] into cols [C·kh·kw, batch·Ho·Wo] (zero padding): the batch sits inside the
    /// columns so that a convolution over the whole batch is one GEMM.
    /// </summary>
    void Im2Col(DeviceBuffer x, in ConvShape s, DeviceBuffer cols);

    /// <summary>The adjoint of <see cref="Im2Col"/>: dx [batch, C, H, W] += fold(cols).</summary>
    void Col2Im(DeviceBuffer cols, in ConvShape s, DeviceBuffer dx);

    /// <summary>
    /// Max or average pooling of x [batch·C planes, H, W] into y [planes, Ho, Wo]; for Max, argmax gets flat
    /// indices into x. Average counts padding as zeros (PyTorch's count_include_pad=True).
    /// </summary>
    void Pool2d(ReduceOp op, DeviceBuffer x, in ConvShape s, DeviceBuffer y, IndexBuffer? argmax);

    /// <summary>The adjoint of average pooling: dx += spread(dy)/(kh·kw).</summary>
    void AvgPool2dBackward(DeviceBuffer dy, in ConvShape s, DeviceBuffer dx);

    /// <summary>
    /// The adjoint of max pooling: dx[argmax[o]] += dy[o]. Overlapping windows may pick the same pixel, so unlike
    /// the arg-max scatters of reductions the indices can repeat; a parallel backend gathers per pixel instead.
    /// </summary>
    void MaxPool2dBackward(DeviceBuffer dy, IndexBuffer argmax, in ConvShape s, DeviceBuffer dx);
}
