using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// y = x − log Σ_last-axis eˣ (max-shifted), over the last axis: x [.., C] → same shape.
    /// Backward: dx += dy − eʸ ⊙ Σ_c dy.
    /// </summary>
    public static Tensor LogSoftmax(Tensor x)
    {
        if (x.Rank < 1) throw new ShapeMismatchException("LogSoftmax: x must have at least one axis");
        int cols = x.Shape[^1], rows = cols == 0 ? 0 : x.Length / cols;
        var be = x.Backend;
        var y = OpSupport.Output(be, x.Shape);
        be.LogSoftmax(x.Data, rows, cols, y.Data);
        return Tape.Record(y, [x], dy =>
        {
            var rowSum = OpSupport.Scratch(be, rows);
            be.Reduce(ReduceOp.Sum, dy.Data, rows, cols, 1, rowSum, null, accumulate: false);
            var p = OpSupport.Scratch(be, x.Length);
            be.Map<ExpFunction>(0f, y.Data, p, x.Length);
            be.Binary(BinaryOp.Mul, BroadcastPlan.Create([rows, cols], [rows, 1]), p, rowSum, p);
            be.Binary(BinaryOp.Sub, BroadcastPlan.Create([rows, cols], [rows, cols]), dy.Data, p, p);
            OpSupport.Accumulate(x, p);
            OpSupport.Release(rowSum);
            OpSupport.Release(p);
        });
    }
}
