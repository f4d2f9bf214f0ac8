using StructureReps.Core.Backends;
using StructureReps.Core.Sparse;

namespace StructureReps.Tests.Support;

/// <summary>
/// A backend with <see cref="IBackend"/>'s primitives and nothing else: it forwards them to a real backend but
/// implements no capability, so every fused op (convolution, pooling, graph attention, log-softmax, optimizer
/// updates, direct convolution, Edge-Attention) runs composed in Core. What a new backend starts from.
/// </summary>
public sealed class PrimitivesOnlyBackend(IBackend inner) : IBackend
{
    public string Name => $"primitives-only({inner.Name})";

    public override string ToString() => Name;

    public DeviceBuffer Allocate(int length) => inner.Allocate(length);
    public DeviceBuffer Rent(int length, bool zeroed) => inner.Rent(length, zeroed);
    public void Return(DeviceBuffer buffer) => inner.Return(buffer);
    public IndexBuffer UploadIndices(int[] indices) => inner.UploadIndices(indices);
    public IndexBuffer ShareIndices(int[] immutable) => inner.ShareIndices(immutable);
    public IndexBuffer RentIndices(int length) => inner.RentIndices(length);
    public void Return(IndexBuffer buffer) => inner.Return(buffer);
    public void Fill(DeviceBuffer dst, int offset, int count, float value) => inner.Fill(dst, offset, count, value);

    public void CopyBlocks(DeviceBuffer src, int srcOffset, int srcStride, DeviceBuffer dst, int dstOffset, int dstStride, int blocks, int blockLength,
        bool accumulate) => inner.CopyBlocks(src, srcOffset, srcStride, dst, dstOffset, dstStride, blocks, blockLength, accumulate);

    public void Gemm(in GemmShape g, float alpha, DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c) => inner.Gemm(g, alpha, a, b, beta, c);

    public void Map<TFunction>(float alpha, DeviceBuffer x, DeviceBuffer y, int n) where TFunction : struct, IUnaryFunction =>
        inner.Map<TFunction>(alpha, x, y, n);

    public void MapDerivative<TFunction>(float alpha, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int n)
        where TFunction : struct, IUnaryFunction => inner.MapDerivative<TFunction>(alpha, x, y, dy, dx, n);

    public void Binary(BinaryOp op, BroadcastPlan plan, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) => inner.Binary(op, plan, a, b, c);

    public void Reduce(ReduceOp op, DeviceBuffer x, int outer, int axis, int inner2, DeviceBuffer y, IndexBuffer? argmax, bool accumulate) =>
        inner.Reduce(op, x, outer, axis, inner2, y, argmax, accumulate);

    public void Permute(DeviceBuffer x, int[] shape, int[] perm, DeviceBuffer y, bool accumulate) => inner.Permute(x, shape, perm, y, accumulate);
    public void IndexAdd(DeviceBuffer src, IndexBuffer index, int count, DeviceBuffer dst) => inner.IndexAdd(src, index, count, dst);
    public void Gather(DeviceBuffer src, int cols, IndexBuffer index, int count, DeviceBuffer dst) => inner.Gather(src, cols, index, count, dst);

    public void SegmentReduce(ReduceOp op, DeviceBuffer src, int cols, SegmentIndex segments, DeviceBuffer dst, IndexBuffer? argmax, bool accumulate) =>
        inner.SegmentReduce(op, src, cols, segments, dst, argmax, accumulate);
}
