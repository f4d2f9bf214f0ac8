using ILGPU;
using StructureReps.Core.Backends;
using StructureReps.Kernels;

namespace StructureReps.Backends.Ilgpu;

/// <summary>Im2col/col2im and pooling, each a gather over its output (see <see cref="ConvKernels"/>).</summary>
public sealed partial class IlgpuBackend : IConvolutionKernels
{
    private static ConvArgs Args(in ConvShape s) => new()
    {
        Batch = s.Batch, Channels = s.Channels, H = s.H, W = s.W, KernelH = s.KernelH, KernelW = s.KernelW,
        StrideH = s.StrideH, StrideW = s.StrideW, PadH = s.PadH, PadW = s.PadW, OutH = s.OutH, OutW = s.OutW,
    };

    private static long InputPixels(in ConvShape s) => (long)s.Batch * s.Channels * s.H * s.W;

    public void Im2Col(DeviceBuffer x, in ConvShape s, DeviceBuffer cols)
    {
        var args = Args(s);
        Launch((long)s.ColRows * s.ColCols, config => _kernels.Get<ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.Im2Col)(config, V(x), V(cols), args));
    }

    public void Col2Im(DeviceBuffer cols, in ConvShape s, DeviceBuffer dx)
    {
        var args = Args(s);
        Launch(InputPixels(s), config => _kernels.Get<ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.Col2Im)(config, V(cols), V(dx), args));
    }

    public void Pool2d(ReduceOp op, DeviceBuffer x, in ConvShape s, DeviceBuffer y, IndexBuffer? argmax)
    {
        var args = Args(s);
        Launch((long)s.Batch * s.Channels * s.OutH * s.OutW,
            config => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<int>, ConvArgs, int, int>(ConvKernels.Pool)(config, V(x), V(y), I(argmax), args, Code(op), argmax is null ? 0 : 1));
    }

    public void AvgPool2dBackward(DeviceBuffer dy, in ConvShape s, DeviceBuffer dx)
    {
        var args = Args(s);
        Launch(InputPixels(s), config => _kernels.Get<ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.AvgPoolBackward)(config, V(dy), V(dx), args));
    }

    public void MaxPool2dBackward(DeviceBuffer dy, IndexBuffer argmax, in ConvShape s, DeviceBuffer dx)
    {
        var args = Args(s);
        Launch(InputPixels(s), config => _kernels.Get<ArrayView<float>, ArrayView<int>, ArrayView<float>, ConvArgs>(ConvKernels.MaxPoolBackward)(config, V(dy), I(argmax), V(dx), args));
    }
}
