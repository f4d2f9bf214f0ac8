using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Sums rows into segments (PyG's scatter(reduce='sum'), message aggregation):
    /// src [E, F..], index [E] in [0, count) → [count, F..]; out[s] = Σ_{e: index[e] = s} src[e], 0 for empty s.
    /// Backward: dsrc[e] += dy[index[e]] (a gather).
    /// </summary>
    public static Tensor ScatterAdd(Tensor src, IndexTensor index, int count) =>
        SegmentReduceOp("ScatterAdd", ReduceOp.Sum, src, index, count);

    /// <summary>
    /// Mean of the rows of each segment: src [E, F..], index [E] → [count, F..], 0 for empty segments.
    /// Backward: dsrc[e] += dy[index[e]] / |segment(index[e])|.
    /// </summary>
    public static Tensor SegmentMean(Tensor src, IndexTensor index, int count) =>
        SegmentReduceOp("SegmentMean", ReduceOp.Mean, src, index, count);

    /// <summary>
    /// Maximum of each segment, per column: src [E, F..], index [E] → [count, F..], 0 for empty segments
    /// (PyG's scatter max). Backward: the gradient goes to the first arg-max of each segment and column.
    /// </summary>
    public static Tensor SegmentMax(Tensor src, IndexTensor index, int count) =>
        SegmentReduceOp("SegmentMax", ReduceOp.Max, src, index, count);

    private static Tensor SegmentReduceOp(string op, ReduceOp kind, Tensor src, IndexTensor index, int count)
    {
        if (src.Rank < 1 || src.Shape[0] != index.Length)
            throw new ShapeMismatchException($"{op}: src {Shapes.Format(src.Shape)} must have one row per index entry ({index.Length})");
        int cols = index.Length == 0 ? Shapes.Product(src.Shape, 1, src.Rank) : src.Length / index.Length;
        var segments = index.Segments(count);
        var shape = (int[])src.Shape.Clone();
        shape[0] = count;
        var be = src.Backend;
        var y = OpSupport.Output(be, shape);
        IndexBuffer? arg = kind == ReduceOp.Max ? OpSupport.NewIndices(be, y.Length) : null;
        be.SegmentReduce(kind, src.Data, cols, segments, y.Data, arg, accumulate: false);
        return Tape.Record(y, [src], dy =>
        {
            if (kind == ReduceOp.Max)
            {
                be.IndexAdd(dy.Data, arg!, y.Length, src.GradBuffer());
                return;
            }
            var g = OpSupport.Scratch(be, src.Length);
            be.Gather(dy.Data, cols, index.On(be), index.Length, g);
            if (kind == ReduceOp.Mean)
            {
                var inverse = new double[index.Length]; // double: exact on the reference backend
                for (int e = 0; e < index.Length; e++)
                {
                    int s = index.Values[e];
                    inverse[e] = 1.0 / (segments.Ptr[s + 1] - segments.Ptr[s]);
                }
                var scale = Tensor.FromDouble(inverse, [index.Length, 1], be);
                be.Binary(BinaryOp.Mul, BroadcastPlan.Create([index.Length, cols], [index.Length, 1]), g, scale.Data, g);
            }
            OpSupport.Accumulate(src, g);
            OpSupport.Release(g);
        });
    }
}
