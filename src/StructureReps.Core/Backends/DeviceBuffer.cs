namespace StructureReps.Core.Backends;

/// <summary>
/// A flat run of numbers owned by one backend (host memory, or device memory for a GPU backend).
/// The engine sees values as float32; a backend may store them wider (the reference backend keeps doubles so
/// that it can serve as the oracle and as the double-precision target of gradient checks).
/// </summary>
public abstract class DeviceBuffer
{
    protected DeviceBuffer(int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "buffer length must be >= 0");
        Length = length;
    }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>The backend that owns this buffer; ops accept only buffers of their own backend.</summary>
    public abstract IBackend Backend { get; }

    /// <summary>
    /// Whether the buffer went back to its backend's pool (<see cref="IBackend.Return"/>): its storage now belongs
    /// to another buffer, so any further use throws instead of reading someone else's values.
    /// </summary>
    public bool IsReleased { get; private set; }

    /// <summary>The scope that returns this buffer when it ends (null: the garbage collector owns it).</summary>
    internal Memory.BufferScope? Scope { get; set; }

    /// <summary>
    /// Marks the buffer released and moves its storage out of <paramref name="storage"/> for the pool; null if it
    /// already was released (a second return must not pool the storage twice).
    /// </summary>
    protected TStorage? TakeStorage<TStorage>(ref TStorage? storage) where TStorage : class
    {
        if (IsReleased) return null;
        IsReleased = true;
        var taken = storage;
        storage = null;
        return taken;
    }

    protected InvalidOperationException UseAfterRelease() =>
        new($"a buffer of {Length} elements was used after it was returned to the pool (its tensor outlived its BufferScope, or was freed by backward)");

    /// <summary>Copies elements [offset, offset + destination.Length) to host memory.</summary>
    public abstract void Read(Span<float> destination, int offset = 0);

    /// <summary>Copies host values into elements [offset, offset + source.Length).</summary>
    public abstract void Write(ReadOnlySpan<float> source, int offset = 0);

    /// <summary>Like <see cref="Read"/> but in double; exact for backends that store doubles.</summary>
    public virtual void ReadDouble(Span<double> destination, int offset = 0)
    {
        var tmp = new float[destination.Length];
        Read(tmp, offset);
        for (int i = 0; i < tmp.Length; i++) destination[i] = tmp[i];
    }

    /// <summary>Like <see cref="Write"/> but in double; exact for backends that store doubles.</summary>
    public virtual void WriteDouble(ReadOnlySpan<double> source, int offset = 0)
    {
        var tmp = new float[source.Length];
        for (int i = 0; i < tmp.Length; i++) tmp[i] = (float)source[i];
        Write(tmp, offset);
    }

    protected void CheckRange(int offset, int count)
    {
        if (offset < 0 || count < 0 || (long)offset + count > Length)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"range [{offset}, {offset + count}) is outside a buffer of {Length} elements");
    }
}

/// <summary>Int32 indices (graph edge indices, labels, arg-max positions) owned by one backend.</summary>
public abstract class IndexBuffer
{
    protected IndexBuffer(int length) => Length = length;

    public int Length { get; }

    /// <summary>Whether the buffer went back to its backend's pool; any further use throws.</summary>
    public bool IsReleased { get; private set; }

    internal Memory.BufferScope? Scope { get; set; }

    /// <summary>Marks the buffer released and moves its storage out for the pool; null if it already was released.</summary>
    protected TStorage? TakeStorage<TStorage>(ref TStorage? storage) where TStorage : class
    {
        if (IsReleased) return null;
        IsReleased = true;
        var taken = storage;
        storage = null;
        return taken;
    }

    public abstract IBackend Backend { get; }

    public abstract void Read(Span<int> destination);
}

/// <summary>Host int[] index storage, shared by the host backends (reference and SIMD CPU).</summary>
public sealed class HostIndexBuffer : IndexBuffer
{
    private int[]? _data;

    public HostIndexBuffer(IBackend backend, int[] data) : this(backend, data, data.Length) { }

    /// <summary>The first <paramref name="length"/> entries of <paramref name="data"/> (a pooled array may be longer).</summary>
    public HostIndexBuffer(IBackend backend, int[] data, int length) : base(length)
    {
        Backend = backend;
        _data = data;
    }

    /// <summary>The storage; at least <see cref="IndexBuffer.Length"/> entries.</summary>
    public int[] Data => _data ?? throw new InvalidOperationException($"an index buffer of {Length} entries was used after it was returned to the pool");

    /// <summary>Marks the buffer released and hands its storage back (null if it already was released).</summary>
    public int[]? Release() => TakeStorage(ref _data);

    public override IBackend Backend { get; }

    public override void Read(Span<int> destination) => Data.AsSpan(0, destination.Length).CopyTo(destination);
}
