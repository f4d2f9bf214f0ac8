using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Gathers rows by index (PyG's index_select / x_j lifting): x [N, F..], index [E] in [0, N) → [E, F..].
    /// Backward: dx[n] += Σ_{e: index[e] = n} dy[e], a segment sum over index's CSR (deterministic, no atomics).
    /// </summary>
    public static Tensor IndexSelect(Tensor x, IndexTensor index)
    {
        if (x.Rank < 1) throw new ShapeMismatchException("IndexSelect: x must have a row axis");
        int n = x.Shape[0], cols = n == 0 ? 0 : x.Length / n;
        var segments = index.Segments(n); // validates the range and is the backward's reverse CSR
        var shape = (int[])x.Shape.Clone();
        shape[0] = index.Length;
        var be = x.Backend;
        var y = OpSupport.Output(be, shape);
        be.Gather(x.Data, cols, index.On(be), index.Length, y.Data);
        return Tape.Record(y, [x], dy =>
            be.SegmentReduce(ReduceOp.Sum, dy.Data, cols, segments, x.GradBuffer(), null, accumulate: true));
    }
}
