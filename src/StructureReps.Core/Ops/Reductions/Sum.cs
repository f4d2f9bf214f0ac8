using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Sum over <paramref name="axis"/>: x [.., A, ..] → [.., ..] (or [.., 1, ..] with keepDim).
    /// Backward: dx[.., a, ..] += dy[.., ..] for every a.
    /// </summary>
    public static Tensor Sum(Tensor x, int axis, bool keepDim = false) => ReduceAxis("Sum", ReduceOp.Sum, x, axis, keepDim);

    /// <summary>Mean over <paramref name="axis"/> (shapes as <see cref="Sum"/>). Backward: dx += dy / A.</summary>
    public static Tensor Mean(Tensor x, int axis, bool keepDim = false) => ReduceAxis("Mean", ReduceOp.Mean, x, axis, keepDim);

    /// <summary>Sum of all elements → scalar []. Backward: dx += dy everywhere.</summary>
    public static Tensor SumAll(Tensor x) => Reshape(Sum(Reshape(x, [x.Length]), 0), []);

    /// <summary>Mean of all elements → scalar []. Backward: dx += dy / N.</summary>
    public static Tensor MeanAll(Tensor x) => Reshape(Mean(Reshape(x, [x.Length]), 0), []);

    private static Tensor ReduceAxis(string name, ReduceOp op, Tensor x, int axis, bool keepDim)
    {
        int ax = Shapes.NormalizeAxis(name, axis, x.Rank);
        int outer = Shapes.Product(x.Shape, 0, ax), len = x.Shape[ax], inner = Shapes.Product(x.Shape, ax + 1, x.Rank);
        var y = OpSupport.Output(x.Backend, ReducedShape(x.Shape, ax, keepDim));
        var be = x.Backend;
        IndexBuffer? arg = op == ReduceOp.Max ? OpSupport.NewIndices(be, y.Length) : null;
        be.Reduce(op, x.Data, outer, len, inner, y.Data, arg, accumulate: false);
        return Tape.Record(y, [x], dy =>
        {
            if (op == ReduceOp.Max)
            {
                be.IndexAdd(dy.Data, arg!, y.Length, x.GradBuffer());
                return;
            }
            var g = dy.Data;
            if (op == ReduceOp.Mean && len > 0)
            {
                g = OpSupport.Scratch(be, y.Length);
                be.Map<ScaleFunction>(1f / len, dy.Data, g, y.Length);
            }
            // dx [outer, len, inner] += g [outer, 1, inner], in place.
            var grad = x.GradBuffer();
            be.Binary(BinaryOp.Add, BroadcastPlan.Create([outer, len, inner], [outer, 1, inner]), grad, g, grad);
            if (g != dy.Data) OpSupport.Release(g);
        });
    }

    private static int[] ReducedShape(int[] shape, int axis, bool keepDim)
    {
        if (keepDim)
        {
            var kept = (int[])shape.Clone();
            kept[axis] = 1;
            return kept;
        }
        return shape.Where((_, d) => d != axis).ToArray();
    }
}
