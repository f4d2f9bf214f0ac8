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

    public void Conv2dForward(DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, in ConvShape s, int outChannels, DeviceBuffer y)
    {
        var args = Args(s);
        var b = bias is null ? V(y) : V(bias); // not read without a bias
        Launch((long)s.Batch * outChannels * s.OutH * s.OutW,
            config => _kernels.ConvForward(config, V(x), V(w), b, V(y), args, outChannels, bias is null ? 0 : 1));
    }

    public void Conv2dBackwardInput(DeviceBuffer dy, DeviceBuffer w, in ConvShape s, int outChannels, DeviceBuffer dx)
    {
        var args = Args(s);
        Launch(InputPixels(s), config => _kernels.ConvBackwardInput(config, V(dy), V(w), V(dx), args, outChannels));
    }

    public void Conv2dBackwardWeight(DeviceBuffer dy, DeviceBuffer x, in ConvShape s, int outChannels, DeviceBuffer? dw, DeviceBuffer? dbias)
    {
        var args = Args(s);
        if (dw is not null)
            Launch((long)outChannels * s.ColRows, config => _kernels.ConvBackwardWeight(config, V(dy), V(x), V(dw), args, outChannels));
        if (dbias is not null)
            Launch(outChannels, config => _kernels.ConvBackwardBias(config, V(dy), V(dbias), args, outChannels));
    }
}
