namespace StructureReps.Core.Backends;

/// <summary>
/// Optional direct convolution kernels (<see cref="Ops.Conv2d"/>), for backends that implement them; others, and
/// shapes a backend declines, get im2col + GEMM. With x [B, C, H, W], w [O, C, kh, kw], bias [O] and
/// y [B, O, Ho, Wo] (batch-major, the layout the op returns: no permute pass):
/// <code>
///   y[b, o, i, j] = bias[o] + Σ_{c, ki, kj} w[o, c, ki, kj] · x[b, c, i·sh − ph + ki, j·sw − pw + kj]   (0 outside x)
/// </code>
/// </summary>
public interface IDirectConv2d
{
    /// <summary>Whether the backend runs this shape directly (it may prefer im2col + GEMM for large ones).</summary>
    bool SupportsDirectConv2d(in ConvShape s, int outChannels);

    /// <summary>y = conv(x, w) + bias (bias may be null), then max(y, 0) when <paramref name="relu"/>, overwriting y.</summary>
    void Conv2dForward(DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, in ConvShape s, int outChannels, DeviceBuffer y, bool relu);

    /// <summary>
    /// dx += the input gradient of <see cref="Conv2dForward"/> from dy [B, O, Ho, Wo]. With <paramref name="reluOutput"/>
    /// (the fused forward's y) the gradient taken is dy where y &gt; 0, else 0: the ReLU's backward, fused.
    /// </summary>
    void Conv2dBackwardInput(DeviceBuffer dy, DeviceBuffer w, in ConvShape s, int outChannels, DeviceBuffer dx, DeviceBuffer? reluOutput);

    /// <summary>
    /// dw += Σ_b, pixels dy ⊗ window of x, and dbias += Σ dy (either may be null), dy masked by reluOutput &gt; 0 when
    /// given. Sums are taken over fixed groups of images and added in group order: the same bits for any thread count.
    /// </summary>
    void Conv2dBackwardWeight(DeviceBuffer dy, DeviceBuffer x, in ConvShape s, int outChannels, DeviceBuffer? dw, DeviceBuffer? dbias,
        DeviceBuffer? reluOutput);

    /// <summary>
    /// The whole backward (any of dx, dw, dbias may be null): by default <see cref="Conv2dBackwardInput"/> then
    /// <see cref="Conv2dBackwardWeight"/>. A backend may run both in one pass over the batch (the CPU's: one
    /// parallel job per layer instead of five), with the same results.
    /// </summary>
    void Conv2dBackward(DeviceBuffer dy, DeviceBuffer x, DeviceBuffer w, in ConvShape s, int outChannels,
        DeviceBuffer? dx, DeviceBuffer? dw, DeviceBuffer? dbias, DeviceBuffer? reluOutput)
    {
        if (dx is not null) Conv2dBackwardInput(dy, w, s, outChannels, dx, reluOutput);
        if (dw is not null || dbias is not null) Conv2dBackwardWeight(dy, x, s, outChannels, dw, dbias, reluOutput);
    }
}
