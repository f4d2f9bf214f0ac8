using StructureReps.Core.Backends;
using StructureReps.Kernels;

namespace StructureReps.Backends.Ilgpu;

/// <summary>Im2col/col2im and pooling, each a gather over its output (see <see cref="ConvKernels"/>).</summary>
public sealed partial class IlgpuBackend
{
    private static ConvArgs Args(in ConvShape s) => new()
    {
        Batch = s.Batch, Channels = s.Channels, H = s.H, W = s.W, KernelH = s.KernelH, KernelW = s.KernelW,
        StrideH = s.StrideH, StrideW = s.StrideW, PadH = s.PadH, PadW = s.PadW, OutH = s.OutH, OutW = s.OutW,
    };

    public void Im2Col(DeviceBuffer x, in ConvShape s, DeviceBuffer cols)
    {
        long work = (long)s.ColRows * s.ColCols;
        if (work == 0) return;
        lock (_gate)
        {
            Bind();
            _kernels.Im2Col(Stride(work), V(x), V(cols), Args(s));
        }
    }

    public void Col2Im(DeviceBuffer cols, in ConvShape s, DeviceBuffer dx)
    {
        long work = (long)s.Batch * s.Channels * s.H * s.W;
        if (work == 0) return;
        lock (_gate)
        {
            Bind();
            _kernels.Col2Im(Stride(work), V(cols), V(dx), Args(s));
        }
    }

    public void Pool2d(ReduceOp op, DeviceBuffer x, in ConvShape s, DeviceBuffer y, IndexBuffer? argmax)
    {
        long work = (long)s.Batch * s.Channels * s.OutH * s.OutW;
        if (work == 0) return;
        lock (_gate)
        {
            Bind();
            _kernels.Pool(Stride(work), V(x), V(y), I(argmax), Args(s), Code(op), argmax is null ? 0 : 1);
        }
    }

    public void AvgPool2dBackward(DeviceBuffer dy, in ConvShape s, DeviceBuffer dx)
    {
        long work = (long)s.Batch * s.Channels * s.H * s.W;
        if (work == 0) return;
        lock (_gate)
        {
            Bind();
            _kernels.AvgPoolBackward(Stride(work), V(dy), V(dx), Args(s));
        }
    }

    public void MaxPool2dBackward(DeviceBuffer dy, IndexBuffer argmax, in ConvShape s, DeviceBuffer dx)
    {
        long work = (long)s.Batch * s.Channels * s.H * s.W;
        if (work == 0) return;
        lock (_gate)
        {
            Bind();
            _kernels.MaxPoolBackward(Stride(work), V(dy), I(argmax), V(dx), Args(s));
        }
    }
}
