using ILGPU;
using StructureReps.Core.Backends;
using StructureReps.Kernels;

namespace StructureReps.Backends.Ilgpu;

/// <summary>
/// Direct convolution on the device (<see cref="DirectConvKernels"/>: gathers, one thread per output element). Taken
/// once the im2col matrix would reach <see cref="DirectFromColumnEntries"/> entries, where not building it saves
/// its memory and traffic; smaller convolutions keep im2col + the tiled GEMM. The threshold is a first guess from
/// the memory argument: no GPU has measured the two paths yet.
/// </summary>
public sealed partial class IlgpuBackend : IDirectConv2d
{
    /// <summary>im2col entries (C·kh·kw × B·Ho·Wo) from which the direct kernels are used.</summary>
    public const long DirectFromColumnEntries = 16_384;

    public bool SupportsDirectConv2d(in ConvShape s, int outChannels) => (long)s.ColRows * s.ColCols >= DirectFromColumnEntries;

    public void Conv2dForward(DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, in ConvShape s, int outChannels, DeviceBuffer y, bool relu)
    {
        var args = Args(s);
        var b = bias is null ? V(y) : V(bias); // not read without a bias
        int flags = (bias is null ? 0 : DirectConvKernels.HasBias) | (relu ? DirectConvKernels.Relu : 0);
        Launch((long)s.Batch * outChannels * s.OutH * s.OutW,
            config => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(DirectConvKernels.Forward)(config, V(x), V(w), b, V(y), args, outChannels, flags));
    }

    public void Conv2dBackwardInput(DeviceBuffer dy, DeviceBuffer w, in ConvShape s, int outChannels, DeviceBuffer dx, DeviceBuffer? reluOutput)
    {
        var args = Args(s);
        var mask = reluOutput is null ? V(dy) : V(reluOutput); // not read without a ReLU
        int relu = reluOutput is null ? 0 : 1;
        Launch(InputPixels(s), config => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(DirectConvKernels.BackwardInput)(config, V(dy), mask, V(w), V(dx), args, outChannels, relu));
    }

    public void Conv2dBackwardWeight(DeviceBuffer dy, DeviceBuffer x, in ConvShape s, int outChannels, DeviceBuffer? dw, DeviceBuffer? dbias,
        DeviceBuffer? reluOutput)
    {
        var args = Args(s);
        var mask = reluOutput is null ? V(dy) : V(reluOutput);
        int relu = reluOutput is null ? 0 : 1;
        if (dw is not null)
            Launch((long)outChannels * s.ColRows, config => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(DirectConvKernels.BackwardWeight)(config, V(dy), mask, V(x), V(dw), args, outChannels, relu));
        if (dbias is not null)
            Launch(outChannels, config => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(DirectConvKernels.BackwardBias)(config, V(dy), mask, V(dbias), args, outChannels, relu));
    }
}
