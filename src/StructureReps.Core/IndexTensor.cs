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

    public IndexTensor(int[] values) => Values = values;

    public int[] Values { get; }

    public int Length => Values.Length;

    public IndexBuffer On(IBackend backend)
    {
        lock (_onBackend)
        {
            if (!_onBackend.TryGetValue(backend, out var buf)) _onBackend[backend] = buf = backend.UploadIndices(Values);
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
