using StructureReps.Core.Sparse;

namespace StructureReps.Core.Backends;

/// <summary>
/// Graph attention over a CSR from gathers, elementwise ops and segment reductions, with E-sized temporaries the
/// fused kernels avoid. Per-segment values reach their elements by a gather through the CSR's segment of each
/// element; sums over a segment are <see cref="IBackend.SegmentReduce"/>s, in CSR order as the fused kernels add.
/// </summary>
internal static class ComposedSparseAttention
{
    /// <summary>dst = exp(src − segmax) / (Σ_segment exp(src − segmax) + 1e-16), per column.</summary>
    public static void SegmentSoftmax(IBackend be, DeviceBuffer src, int cols, SegmentIndex segments, DeviceBuffer dst)
    {
        int e = segments.Elements, n = e * cols;
        if (n == 0) return;
        using var scratch = new Scratch(be);
        var segmentOf = be.ShareIndices(segments.SegmentOf);
        var perSegment = scratch.Rent(segments.Segments * cols);
        var perElement = scratch.Rent(n);
        var same = BroadcastPlan.Create([n], [n]);
        be.SegmentReduce(ReduceOp.Max, src, cols, segments, perSegment, null, accumulate: false);
        be.Gather(perSegment, cols, segmentOf, e, perElement);
        be.Binary(BinaryOp.Sub, same, src, perElement, dst);
        be.Map<ExpFunction>(0f, dst, dst, n);
        be.SegmentReduce(ReduceOp.Sum, dst, cols, segments, perSegment, null, accumulate: false);
        be.Gather(perSegment, cols, segmentOf, e, perElement);
        be.Map<AddScalarFunction>(1e-16f, perElement, perElement, n);
        be.Binary(BinaryOp.Div, same, dst, perElement, dst);
    }

    /// <summary>dsrc[e] += y[e]·(dy[e] − Σ_segment dy·y), per column.</summary>
    public static void SegmentSoftmaxBackward(IBackend be, DeviceBuffer y, DeviceBuffer dy, int cols, SegmentIndex segments, DeviceBuffer dsrc)
    {
        int e = segments.Elements, n = e * cols;
        if (n == 0) return;
        using var scratch = new Scratch(be);
        var segmentOf = be.ShareIndices(segments.SegmentOf);
        var same = BroadcastPlan.Create([n], [n]);
        var product = scratch.Rent(n);
        var perSegment = scratch.Rent(segments.Segments * cols);
        be.Binary(BinaryOp.Mul, same, dy, y, product);
        be.SegmentReduce(ReduceOp.Sum, product, cols, segments, perSegment, null, accumulate: false);
        be.Gather(perSegment, cols, segmentOf, e, product);
        be.Binary(BinaryOp.Sub, same, dy, product, product);
        be.Binary(BinaryOp.Mul, same, y, product, product);
        be.CopyBlocks(product, 0, 0, dsrc, 0, 0, 1, n, accumulate: true);
    }

    /// <summary>dst[s, h·C + c] (+)= Σ_{e in segment s} w[e, h] · src[gather[e], h·C + c].</summary>
    public static void SegmentWeightedSum(IBackend be, DeviceBuffer src, int heads, int channels, IndexBuffer gather, DeviceBuffer weights,
        SegmentIndex segments, DeviceBuffer dst, bool accumulate)
    {
        int e = segments.Elements, width = heads * channels;
        using var scratch = new Scratch(be);
        var rows = scratch.Rent(e * width);
        if (e > 0)
        {
            be.Gather(src, width, gather, e, rows);
            be.Binary(BinaryOp.Mul, BroadcastPlan.Create([e, heads, channels], [e, heads, 1]), rows, weights, rows);
        }
        be.SegmentReduce(ReduceOp.Sum, rows, width, segments, dst, null, accumulate);
    }

    /// <summary>dst[e, h] (+)= Σ_c a[ia[e], h·C + c] · b[ib[e], h·C + c].</summary>
    public static void EdgeDot(IBackend be, DeviceBuffer a, IndexBuffer ia, DeviceBuffer b, IndexBuffer ib, int count, int heads, int channels,
        DeviceBuffer dst, bool accumulate)
    {
        int width = heads * channels, n = count * width;
        if (count == 0 || heads == 0) return;
        using var scratch = new Scratch(be);
        var ra = scratch.Rent(n);
        var rb = scratch.Rent(n);
        be.Gather(a, width, ia, count, ra);
        be.Gather(b, width, ib, count, rb);
        be.Binary(BinaryOp.Mul, BroadcastPlan.Create([n], [n]), ra, rb, ra);
        be.Reduce(ReduceOp.Sum, ra, count * heads, channels, 1, dst, null, accumulate);
    }
}
