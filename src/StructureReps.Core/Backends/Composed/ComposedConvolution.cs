using System.Collections.Concurrent;
using StructureReps.Core.Sparse;

namespace StructureReps.Core.Backends;

/// <summary>
/// im2col and pooling from primitives through index maps built once per geometry on the host: entry k of the
/// unfolded matrix (or of the pooling windows) reads x at map[k], padding reads one sink element appended to x
/// (0, or −∞ for max pooling). The adjoints fold back with a segment sum over the same map (each x element a
/// segment), deterministic where a scatter-add would race on overlapping windows.
/// </summary>
internal static class ComposedConvolution
{
    private static readonly ConcurrentDictionary<ConvShape, (int[] Map, SegmentIndex Fold)> Unfold = new();
    private static readonly ConcurrentDictionary<ConvShape, (int[] Map, SegmentIndex Fold)> Windows = new();

    /// <summary>
    /// Geometries kept per cache: a network has a few layer shapes (and a last, smaller batch), so this holds a
    /// training run's; a caller cycling through more shapes starts the cache over instead of growing it without end.
    /// </summary>
    private const int MaxCachedShapes = 32;

    private static (int[] Map, SegmentIndex Fold) Cached(
        ConcurrentDictionary<ConvShape, (int[] Map, SegmentIndex Fold)> cache, ConvShape s,
        Func<ConvShape, (int[] Map, SegmentIndex Fold)> build)
    {
        if (cache.TryGetValue(s, out var hit)) return hit;
        if (cache.Count >= MaxCachedShapes) cache.Clear();
        return cache.GetOrAdd(s, build);
    }

    public static void Im2Col(IBackend be, DeviceBuffer x, in ConvShape s, DeviceBuffer cols)
    {
        var (map, _) = UnfoldMap(s);
        if (map.Length == 0) return;
        using var scratch = new Scratch(be);
        var padded = scratch.WithSink(x, InputLength(s), 0f);
        be.Gather(padded, 1, be.ShareIndices(map), map.Length, cols);
    }

    public static void Col2Im(IBackend be, DeviceBuffer cols, in ConvShape s, DeviceBuffer dx) => Fold(be, cols, UnfoldMap(s).Fold, s, dx);

    public static void Pool2d(IBackend be, ReduceOp op, DeviceBuffer x, in ConvShape s, DeviceBuffer y, IndexBuffer? argmax)
    {
        var (map, _) = WindowMap(s);
        int outputs = s.Batch * s.Channels * s.Pixels, window = s.KernelH * s.KernelW;
        if (outputs == 0) return;
        using var scratch = new Scratch(be);
        // Max pooling pads with −∞ (PyTorch's); average pooling counts padding as zeros (count_include_pad=True).
        var padded = scratch.WithSink(x, InputLength(s), op == ReduceOp.Max ? float.NegativeInfinity : 0f);
        var windows = scratch.Rent(map.Length);
        be.Gather(padded, 1, be.ShareIndices(map), map.Length, windows);
        be.Reduce(op, windows, outputs, window, 1, y, op == ReduceOp.Max ? argmax : null, accumulate: false);
    }

    /// <summary>dx += the window gradients, the arg-max being <see cref="Pool2d"/>'s: indices into its gathered windows.</summary>
    public static void MaxPool2dBackward(IBackend be, DeviceBuffer dy, IndexBuffer argmax, in ConvShape s, DeviceBuffer dx)
    {
        var (map, fold) = WindowMap(s);
        int outputs = s.Batch * s.Channels * s.Pixels;
        if (outputs == 0) return;
        using var scratch = new Scratch(be);
        var windows = scratch.Rent(map.Length, zeroed: true);
        be.IndexAdd(dy, argmax, outputs, windows); // one arg-max per output: the indices never repeat
        Fold(be, windows, fold, s, dx);
    }

    public static void AvgPool2dBackward(IBackend be, DeviceBuffer dy, in ConvShape s, DeviceBuffer dx)
    {
        var (map, fold) = WindowMap(s);
        int outputs = s.Batch * s.Channels * s.Pixels, window = s.KernelH * s.KernelW;
        if (outputs == 0) return;
        using var scratch = new Scratch(be);
        var windows = scratch.Rent(map.Length);
        be.Fill(windows, 0, map.Length, 1f / window);
        be.Binary(BinaryOp.Mul, BroadcastPlan.Create([outputs, window], [outputs, 1]), windows, dy, windows);
        Fold(be, windows, fold, s, dx);
    }

    /// <summary>dx += Σ over the entries k with map[k] = i of values[k], for each x element i (the sink dropped).</summary>
    private static void Fold(IBackend be, DeviceBuffer values, SegmentIndex fold, in ConvShape s, DeviceBuffer dx)
    {
        int n = InputLength(s);
        if (n == 0) return;
        using var scratch = new Scratch(be);
        var sums = scratch.Rent(n + 1);
        be.SegmentReduce(ReduceOp.Sum, values, 1, fold, sums, null, accumulate: false);
        be.CopyBlocks(sums, 0, 0, dx, 0, 0, 1, n, accumulate: true);
    }

    private static int InputLength(in ConvShape s) => s.Batch * s.Channels * s.H * s.W;

    /// <summary>cols [C·kh·kw, B·Ho·Wo]: entry (r, col) reads x[b, c, oh·sh − ph + i, ow·sw − pw + j].</summary>
    private static (int[] Map, SegmentIndex Fold) UnfoldMap(ConvShape s) => Cached(Unfold, s, static s =>
    {
        int rows = s.ColRows, columns = s.ColCols, sink = InputLength(s), k = s.KernelH * s.KernelW;
        var map = new int[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            int c = r / k, i = r / s.KernelW % s.KernelH, j = r % s.KernelW;
            for (int col = 0; col < columns; col++)
            {
                int b = col / s.Pixels, oh = col / s.OutW % s.OutH, ow = col % s.OutW;
                map[r * columns + col] = Source(s, b * s.Channels + c, oh * s.StrideH - s.PadH + i, ow * s.StrideW - s.PadW + j, sink);
            }
        }
        return (map, SegmentIndex.Build(map, sink + 1));
    });

    /// <summary>Windows [B·C·Ho·Wo, kh·kw]: entry (o, t) reads plane p at (oh·sh − ph + i, ow·sw − pw + j).</summary>
    private static (int[] Map, SegmentIndex Fold) WindowMap(ConvShape s) => Cached(Windows, s, static s =>
    {
        int outputs = s.Batch * s.Channels * s.Pixels, k = s.KernelH * s.KernelW, sink = InputLength(s);
        var map = new int[outputs * k];
        for (int o = 0; o < outputs; o++)
        {
            int plane = o / s.Pixels, oh = o / s.OutW % s.OutH, ow = o % s.OutW;
            for (int t = 0; t < k; t++)
                map[o * k + t] = Source(s, plane, oh * s.StrideH - s.PadH + t / s.KernelW, ow * s.StrideW - s.PadW + t % s.KernelW, sink);
        }
        return (map, SegmentIndex.Build(map, sink + 1));
    });

    private static int Source(in ConvShape s, int plane, int ih, int iw, int sink) =>
        (uint)ih < (uint)s.H && (uint)iw < (uint)s.W ? (plane * s.H + ih) * s.W + iw : sink;
}
