using ILGPU;
using StructureReps.Core.Backends;
using StructureReps.Core.Sparse;
using StructureReps.Kernels;

namespace StructureReps.Backends.Ilgpu;

/// <summary>Gather, the arg-max scatter, the CSR segment reductions and the attention aggregation/edge dot products (see <see cref="SparseKernels"/>).</summary>
public sealed partial class IlgpuBackend : ISparseAttentionKernels
{
    public void Gather(DeviceBuffer src, int cols, IndexBuffer index, int count, DeviceBuffer dst) =>
        Launch((long)count * cols, config => _kernels.Get<ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int>(SparseKernels.Gather)(config, V(src), I(index), V(dst), count, cols));

    /// <summary>
    /// dst[index[i]] += src[i] by atomic adds. The engine calls it only to route gradients to arg-max positions
    /// (max reductions, segment max), whose indices are distinct, so the result is exact and the same on every
    /// run; duplicates would add up in an unspecified order (max pooling has its own gather,
    /// <see cref="MaxPool2dBackward"/>).
    /// </summary>
    public void IndexAdd(DeviceBuffer src, IndexBuffer index, int count, DeviceBuffer dst) =>
        Launch(count, config => _kernels.Get<ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(SparseKernels.IndexAddAtomic)(config, V(src), I(index), V(dst), count));

    public void SegmentReduce(ReduceOp op, DeviceBuffer src, int cols, SegmentIndex segments, DeviceBuffer dst,
        IndexBuffer? argmax, bool accumulate)
    {
        long work = (long)segments.Segments * cols;
        if (work == 0) return;
        var (ptr, order) = segments.On(this);
        var args = new SegmentArgs
        {
            Op = Code(op), Segments = segments.Segments, Cols = cols, Accumulate = accumulate ? 1 : 0,
            HasArgmax = argmax is null ? 0 : 1,
        };
        Launch(work, config => _kernels.Get<ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<int>, SegmentArgs>(SparseKernels.SegmentReduce)(config, V(src), I(ptr), I(order), V(dst), I(argmax), args));
    }

    public void SegmentSoftmax(DeviceBuffer src, int cols, SegmentIndex segments, DeviceBuffer dst)
    {
        long work = (long)segments.Segments * cols;
        if (work == 0) return;
        var (ptr, order) = segments.On(this);
        Launch(work, config => _kernels.Get<ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int>(SparseKernels.SegmentSoftmax)(config, V(src), I(ptr), I(order), V(dst), segments.Segments, cols));
    }

    public void SegmentSoftmaxBackward(DeviceBuffer y, DeviceBuffer dy, int cols, SegmentIndex segments, DeviceBuffer dsrc)
    {
        long work = (long)segments.Segments * cols;
        if (work == 0) return;
        var (ptr, order) = segments.On(this);
        Launch(work, config => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int>(SparseKernels.SegmentSoftmaxBackward)(config, V(y), V(dy), I(ptr), I(order), V(dsrc), segments.Segments, cols));
    }

    public void SegmentWeightedSum(DeviceBuffer src, int heads, int channels, IndexBuffer gather, DeviceBuffer weights,
        SegmentIndex segments, DeviceBuffer dst, bool accumulate)
    {
        long work = (long)segments.Segments * heads * channels;
        if (work == 0) return;
        var (ptr, order) = segments.On(this);
        var args = new HeadArgs { Count = segments.Segments, Heads = heads, Channels = channels, Accumulate = accumulate ? 1 : 0 };
        Launch(work, config => _kernels.Get<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, HeadArgs>(SparseKernels.SegmentWeightedSum)(config, V(src), I(gather), V(weights), I(ptr), I(order), V(dst), args));
    }

    public void EdgeDot(DeviceBuffer a, IndexBuffer ia, DeviceBuffer b, IndexBuffer ib, int count, int heads, int channels,
        DeviceBuffer dst, bool accumulate)
    {
        var args = new HeadArgs { Count = count, Heads = heads, Channels = channels, Accumulate = accumulate ? 1 : 0 };
        Launch((long)count * heads, config => _kernels.Get<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<float>, HeadArgs>(SparseKernels.EdgeDot)(config, V(a), I(ia), V(b), I(ib), V(dst), args));
    }
}
