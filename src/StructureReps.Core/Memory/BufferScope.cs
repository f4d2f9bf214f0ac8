using StructureReps.Core.Backends;

namespace StructureReps.Core.Memory;

/// <summary>
/// The lifetime of one step's tensors. While a scope is open on a thread, every tensor the engine creates there
/// (op outputs, inputs made with <see cref="Tensor.From"/>, interior gradients) is rented from its backend's
/// pool and returned when the scope is disposed, so a training step reuses the previous step's memory instead of
/// asking the garbage collector for it. What must outlive the step is kept: module parameters (registered as
/// such), parameter gradients and optimizer state are never scoped, and <see cref="Keep"/> takes any other
/// tensor out. A tensor used after its scope ended throws (its buffer is released), it never reads stale values.
/// <code>
///   using (BufferScope.Begin()) { var loss = Forward(batch); loss.Backward(); optimizer.Step(); total += loss.Item(); }
/// </code>
/// Scopes nest; an inner scope's tensors go back when the inner one ends.
/// </summary>
public sealed class BufferScope : IDisposable
{
    [ThreadStatic] private static BufferScope? _current;

    private static readonly SizeClassPool<int> IntPool = new(int.MinValue, exactLengths: true);
    private static readonly SizeClassPool<float> FloatPool = new(float.NaN, exactLengths: true);

    private readonly List<DeviceBuffer> _owned = new();
    private readonly HashSet<object> _hostArrays = new(ReferenceEqualityComparer.Instance);
    private readonly List<IndexBuffer> _ownedIndices = new();
    private readonly BufferScope? _parent;
    private readonly int _threadId = Environment.CurrentManagedThreadId;
    private bool _disposed;

    private BufferScope(BufferScope? parent) => _parent = parent;

    /// <summary>The innermost open scope of this thread, or null.</summary>
    public static BufferScope? Current => _current;

    /// <summary>Opens a scope on this thread; dispose it on the same thread.</summary>
    public static BufferScope Begin() => _current = new BufferScope(_current);

    /// <summary>Number of buffers this scope will return.</summary>
    public int Count => _owned.Count;

    /// <summary>Whether the scope has ended (its buffers and host arrays are back in the pools).</summary>
    public bool IsDisposed => _disposed;

    /// <summary>
    /// A host int array of exactly <paramref name="length"/> for the current step's index data (edge lists, CSRs):
    /// from a pool and owned by the current scope when one is open, else a fresh array. Index data of one zoo's
    /// batches has the same sizes every step, so exact lengths are reused.
    /// </summary>
    public static int[] HostInts(int length, bool zeroed) => _current is { } s ? s.Track(IntPool.Rent(length, zeroed)) : new int[length];

    /// <summary>As <see cref="HostInts"/>, for host float staging arrays.</summary>
    public static float[] HostFloats(int length, bool zeroed) => _current is { } s ? s.Track(FloatPool.Rent(length, zeroed)) : new float[length];

    /// <summary>
    /// A host int array that lives as long as <paramref name="source"/>: from the pool of the scope that owns
    /// source, or a fresh array when no open scope does (a CSR or self-loop list built from a step's edge list is
    /// the step's; one built from a long-lived graph's must outlive every step).
    /// </summary>
    public static int[] HostIntsLike(int[] source, int length, bool zeroed) =>
        OwnerOf(source) is { } owner ? owner.Track(IntPool.Rent(length, zeroed)) : new int[length];

    /// <summary>The scope that owns <paramref name="array"/> (rented through <see cref="HostInts"/>), or null.</summary>
    public static BufferScope? OwnerOf(Array array)
    {
        for (var s = _current; s is not null; s = s._parent)
            if (s._hostArrays.Contains(array)) return s;
        return null;
    }

    private T[] Track<T>(T[] array)
    {
        if (array.Length > 0) _hostArrays.Add(array);
        return array;
    }

    /// <summary>Takes <paramref name="tensor"/>'s storage out of whatever scope owns it: it lives until collected.</summary>
    public static Tensor Keep(Tensor tensor)
    {
        tensor.Data.Scope = null;
        return tensor;
    }

    /// <summary>A transient buffer: rented from the backend's pool and owned by the current scope, if one is open.</summary>
    internal static DeviceBuffer Rent(IBackend backend, int length, bool zeroed)
    {
        var buffer = backend.Rent(length, zeroed);
        var scope = _current;
        if (scope is not null)
        {
            buffer.Scope = scope;
            scope._owned.Add(buffer);
        }
        return buffer;
    }

    /// <summary>Index space for a transient result, owned like <see cref="Rent"/>'s buffers.</summary>
    internal static IndexBuffer RentIndices(IBackend backend, int length)
    {
        var buffer = backend.RentIndices(length);
        var scope = _current;
        if (scope is not null)
        {
            buffer.Scope = scope;
            scope._ownedIndices.Add(buffer);
        }
        return buffer;
    }

    public void Dispose()
    {
        if (_disposed) return;
        if (Environment.CurrentManagedThreadId != _threadId)
            throw new InvalidOperationException("a BufferScope must be disposed on the thread that began it");
        if (_current != this)
            throw new InvalidOperationException("BufferScopes must end innermost first");
        _disposed = true;
        _current = _parent;
        foreach (var buffer in _owned)
            if (buffer.Scope == this && !buffer.IsReleased) buffer.Backend.Return(buffer);
        _owned.Clear();
        foreach (var buffer in _ownedIndices)
            if (buffer.Scope == this && !buffer.IsReleased) buffer.Backend.Return(buffer);
        _ownedIndices.Clear();
        foreach (var array in _hostArrays)
        {
            if (array is int[] ints) IntPool.Return(ints);
            else if (array is float[] floats) FloatPool.Return(floats);
        }
        _hostArrays.Clear();
    }
}
