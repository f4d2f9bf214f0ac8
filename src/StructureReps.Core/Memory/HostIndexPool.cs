using StructureReps.Core.Backends;

namespace StructureReps.Core.Memory;

/// <summary>
/// The index buffers of a host backend (reference, SIMD CPU): an <see cref="IndexTensor"/>'s immutable array
/// shared as it is, and arg-max space rented from a pool and returned to it.
/// </summary>
public sealed class HostIndexPool(IBackend owner)
{
    private readonly SizeClassPool<int> _pool = new(int.MinValue);

    /// <summary>Bytes held by arrays waiting for reuse.</summary>
    public long RetainedBytes => _pool.RetainedBytes;

    public void Trim() => _pool.Trim();

    public IndexBuffer Share(int[] immutable) => new HostIndexBuffer(owner, immutable);

    public IndexBuffer Rent(int length) => new HostIndexBuffer(owner, _pool.Rent(length, zeroed: false), length);

    public void Return(IndexBuffer buffer)
    {
        if (buffer is HostIndexBuffer h && h.Backend == owner && h.Release() is { } array) _pool.Return(array);
    }
}
