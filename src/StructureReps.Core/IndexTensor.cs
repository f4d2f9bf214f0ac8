using StructureReps.Core.Backends;
using StructureReps.Core.Sparse;

namespace StructureReps.Core;

/// <summary>
/// Int32 indices (a graph's source or target row, class labels), immutable and kept on the host, with
/// per-backend copies and the CSR groupings built from them cached on first use.
/// </summary>
public sealed class IndexTensor
{
    private readonly Dictionary<IBackend, IndexBuffer> _onBackend = new();
    private readonly Dictionary<int, SegmentIndex> _segments = new();
    private readonly int[] _values;

    /// <summary>
    /// Indices that must not change afterwards. An array rented with <see cref="Memory.BufferScope.HostInts"/>
    /// makes this tensor the scope's: its CSRs come from the scope's pool too, and any use after the scope
    /// ended throws.
    /// </summary>
    public IndexTensor(int[] values)
    {
        _values = values;
        Scope = Memory.BufferScope.OwnerOf(values);
    }

    /// <summary>The scope whose pool holds the indices (null: the garbage collector's).</summary>
    public Memory.BufferScope? Scope { get; }

    public int[] Values => Scope is { IsDisposed: true }
        ? throw new InvalidOperationException($"an index tensor of {_values.Length} entries was used after its BufferScope ended")
        : _values;

    public int Length => _values.Length;

    public IndexBuffer On(IBackend backend)
    {
        lock (_onBackend)
        {
            if (!_onBackend.TryGetValue(backend, out var buf)) _onBackend[backend] = buf = backend.ShareIndices(Values);
            return buf;
        }
    }

    /// <summary>The CSR grouping elements by their index value into <paramref name="segments"/> segments.</summary>
    public SegmentIndex Segments(int segments)
    {
        lock (_segments)
        {
            if (!_segments.TryGetValue(segments, out var seg)) _segments[segments] = seg = SegmentIndex.Build(Values, segments);
            return seg;
        }
    }

    public override string ToString() => $"IndexTensor[{Length}]";
}
