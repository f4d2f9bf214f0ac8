using StructureReps.Core.Sparse;

namespace StructureReps.Core.Backends;

/// <summary>
/// The primitive ops every backend implements: flat buffers, explicit dimensions, no shapes, no autodiff.
/// Everything differentiable is composed from these in <c>StructureReps.Core.Ops</c>; a new backend implements
/// this interface and never sees a tape. All tensors are row-major and contiguous. Fused kernels are optional
/// capabilities (<see cref="IConvolutionKernels"/>, <see cref="ISparseAttentionKernels"/>,
/// <see cref="IFusedLogSoftmax"/>, <see cref="IFusedOptimizer"/>, <see cref="IDirectConv2d"/>,
/// <see cref="IFusedEdgeAttention"/>); without one, <see cref="Capabilities"/> runs the op composed from these
/// primitives (Composed/), so a backend can start from this interface alone.
/// <para>Conventions: "accumulate" means <c>dst += result</c> (used for gradients, which always accumulate);
/// otherwise <c>dst = result</c>. Arg-max outputs are flat element indices into the source buffer, -1 for
/// an empty window or segment.</para>
/// </summary>
public interface IBackend
{
    /// <summary>Short name for logs and test names: "reference", "cpu-simd", "ilgpu-cuda".</summary>
    string Name { get; }

    /// <summary>A zero-filled buffer of <paramref name="length"/> elements that the garbage collector owns (state
    /// that lives across steps: parameters' gradients, optimizer moments).</summary>
    DeviceBuffer Allocate(int length);

    /// <summary>
    /// A buffer for a transient value (an activation, a gradient, an op's scratch space) from this backend's pool;
    /// zero-filled only when <paramref name="zeroed"/>, otherwise its contents are unspecified. Give it back with
    /// <see cref="Return"/>, or let <see cref="Memory.BufferScope"/> do it.
    /// </summary>
    DeviceBuffer Rent(int length, bool zeroed);

    /// <summary>
    /// Gives a buffer's storage back to the pool. The buffer is dead afterwards (<see cref="DeviceBuffer.IsReleased"/>:
    /// every use throws); returning it again does nothing. Buffers from <see cref="Allocate"/> may be returned too.
    /// </summary>
    void Return(DeviceBuffer buffer);

    /// <summary>Copies host indices to the backend.</summary>
    IndexBuffer UploadIndices(int[] indices);

    /// <summary>
    /// Indices the caller will never change (an <see cref="IndexTensor"/>'s, a CSR's): a host backend may use the
    /// array itself instead of a copy. The fallback copies.
    /// </summary>
    IndexBuffer ShareIndices(int[] immutable) => UploadIndices(immutable);

    /// <summary>Index space for a transient result (arg-max positions); contents unspecified. Pooled where the backend can.</summary>
    IndexBuffer RentIndices(int length) => UploadIndices(new int[length]);

    /// <summary>Gives a rented index buffer back; it is dead afterwards. The fallback leaves it to the garbage collector.</summary>
    void Return(IndexBuffer buffer) { }

    /// <summary>dst[offset .. offset+count) = value.</summary>
    void Fill(DeviceBuffer dst, int offset, int count, float value);

    /// <summary>
    /// Copies <paramref name="blocks"/> runs of <paramref name="blockLength"/> elements:
    /// dst[dstOffset + b·dstStride + i] (+)= src[srcOffset + b·srcStride + i]. Reshape, slice, concat.
    /// </summary>
    void CopyBlocks(DeviceBuffer src, int srcOffset, int srcStride, DeviceBuffer dst, int dstOffset, int dstStride,
        int blocks, int blockLength, bool accumulate);

    /// <summary>C = alpha·op(A)·op(B) + beta·C for each of <c>g.Batch</c> matrices (see <see cref="GemmShape"/>).</summary>
    void Gemm(in GemmShape g, float alpha, DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c);

    /// <summary>
    /// y[i] = f(x[i]) for i &lt; n, with f's parameter <paramref name="alpha"/> (slope, scale…). f is one
    /// <see cref="IUnaryFunction"/> definition for every backend (y and x may be the same buffer).
    /// </summary>
    void Map<TFunction>(float alpha, DeviceBuffer x, DeviceBuffer y, int n) where TFunction : struct, IUnaryFunction;

    /// <summary>dx[i] += dy[i]·f'(x[i]); y = f(x) is passed too, since f' is cheaper from y for some f.</summary>
    void MapDerivative<TFunction>(float alpha, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int n)
        where TFunction : struct, IUnaryFunction;

    /// <summary>c = a ∘ b with broadcasting described by <paramref name="plan"/> (strides 0 on broadcast axes).</summary>
    void Binary(BinaryOp op, BroadcastPlan plan, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c);

    /// <summary>
    /// Reduces x viewed as [outer, axis, inner] over the middle axis into y [outer, inner]
    /// (accumulating when asked). For Max, <paramref name="argmax"/> receives flat indices into x.
    /// </summary>
    void Reduce(ReduceOp op, DeviceBuffer x, int outer, int axis, int inner, DeviceBuffer y, IndexBuffer? argmax,
        bool accumulate);

    /// <summary>y (+)= x permuted: y's axis d is x's axis perm[d]; x has shape <paramref name="shape"/>.</summary>
    void Permute(DeviceBuffer x, int[] shape, int[] perm, DeviceBuffer y, bool accumulate);

    /// <summary>
    /// dst[index[i]] += src[i] (-1 skipped). The engine passes only indices that never repeat (arg-max positions
    /// of reductions), which lets a GPU backend use atomics without losing determinism; the host backends add in
    /// order i = 0, 1, … so duplicates add up there too.
    /// </summary>
    void IndexAdd(DeviceBuffer src, IndexBuffer index, int count, DeviceBuffer dst);

    /// <summary>dst[r, :] = src[index[r], :] for r &lt; count; rows have <paramref name="cols"/> elements.</summary>
    void Gather(DeviceBuffer src, int cols, IndexBuffer index, int count, DeviceBuffer dst);

    /// <summary>
    /// Segment reduction over a CSR: dst[s, :] (+)= reduce over e in segment s of src[order[e], :].
    /// Sum, Mean (divides by max(count, 1)) or Max (argmax = flat index into src, -1 for empty segments).
    /// Empty segments give 0. Deterministic: each segment is reduced by one thread in CSR order.
    /// </summary>
    void SegmentReduce(ReduceOp op, DeviceBuffer src, int cols, SegmentIndex segments, DeviceBuffer dst,
        IndexBuffer? argmax, bool accumulate);
}
