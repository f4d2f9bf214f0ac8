using StructureReps.Core.Backends;

namespace StructureReps.Core.Sparse;

/// <summary>
/// A CSR grouping of E elements (edges) into S segments (target nodes), built once per graph by a stable
/// counting sort: the elements of segment s are <c>Order[Ptr[s] .. Ptr[s+1])</c>, in their original order.
/// Every sparse reduction walks this structure, so results are deterministic and need no atomics; the reverse
/// CSR for a backward pass is simply the SegmentIndex of the other endpoint.
/// </summary>
public sealed class SegmentIndex
{
    private readonly Dictionary<IBackend, (IndexBuffer Ptr, IndexBuffer Order)> _onBackend = new();
    private readonly Dictionary<int, int[]> _partitions = new();

    private SegmentIndex(int segments, int[] segmentOf, int[] ptr, int[] order)
    {
        Segments = segments;
        SegmentOf = segmentOf;
        Ptr = ptr;
        Order = order;
    }

    /// <summary>Number of segments S.</summary>
    public int Segments { get; }

    /// <summary>Number of elements E.</summary>
    public int Elements => SegmentOf.Length;

    /// <summary>Segment of each element (the index this CSR was built from), length E.</summary>
    public int[] SegmentOf { get; }

    /// <summary>Segment start offsets into <see cref="Order"/>, length S + 1.</summary>
    public int[] Ptr { get; }

    /// <summary>Element ids sorted by segment (stable), length E.</summary>
    public int[] Order { get; }

    /// <summary>
    /// Builds the CSR of <paramref name="segmentOf"/>; every entry must lie in [0, segments). Its arrays live as
    /// long as segmentOf does (a step's, or the garbage collector's).
    /// </summary>
    public static SegmentIndex Build(int[] segmentOf, int segments)
    {
        if (segments < 0) throw new ArgumentOutOfRangeException(nameof(segments), segments, "segment count must be >= 0");
        int[] Ints(int n, bool zeroed) => Memory.BufferScope.HostIntsLike(segmentOf, n, zeroed);
        var ptr = Ints(segments + 1, zeroed: true);
        for (int e = 0; e < segmentOf.Length; e++)
        {
            int s = segmentOf[e];
            if ((uint)s >= (uint)segments)
                throw new ArgumentOutOfRangeException(nameof(segmentOf),
                    $"index[{e}] = {s} is outside [0, {segments}): every index must name an existing segment (node)");
            ptr[s + 1]++;
        }
        for (int s = 0; s < segments; s++) ptr[s + 1] += ptr[s];
        var next = Ints(segments + 1, zeroed: false);
        ptr.CopyTo(next, 0);
        var order = Ints(segmentOf.Length, zeroed: false);
        for (int e = 0; e < segmentOf.Length; e++) order[next[segmentOf[e]]++] = e;
        return new SegmentIndex(segments, segmentOf, ptr, order);
    }

    /// <summary>The CSR arrays on <paramref name="backend"/>, uploaded once and cached.</summary>
    public (IndexBuffer Ptr, IndexBuffer Order) On(IBackend backend)
    {
        lock (_onBackend)
        {
            if (!_onBackend.TryGetValue(backend, out var bufs))
                _onBackend[backend] = bufs = (backend.ShareIndices(Ptr), backend.ShareIndices(Order));
            return bufs;
        }
    }

    /// <summary>
    /// Splits the segments into <paramref name="parts"/> contiguous ranges of about equal element count, so
    /// threads are balanced by edges rather than by nodes. Returns parts + 1 segment boundaries.
    /// </summary>
    public int[] Partition(int parts)
    {
        lock (_partitions)
        {
            if (_partitions.TryGetValue(parts, out var cached)) return cached;
            var bounds = new int[parts + 1];
            bounds[parts] = Segments;
            for (int p = 1; p < parts; p++)
            {
                long target = (long)Elements * p / parts;
                int lo = bounds[p - 1], hi = Segments;
                while (lo < hi)
                {
                    int mid = (lo + hi) >> 1;
                    if (Ptr[mid] < target) lo = mid + 1; else hi = mid;
                }
                bounds[p] = lo;
            }
            _partitions[parts] = bounds;
            return bounds;
        }
    }
}
