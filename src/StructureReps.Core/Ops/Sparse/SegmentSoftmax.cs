using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Softmax over the entries of each segment (attention over a node's incoming edges), per column, with PyG's
    /// semantics: src [E] or [E, H], index [E] in [0, count) → same shape;
    /// y = exp(src − max_segment) / (Σ_segment exp(src − max_segment) + 1e-16).
    /// Backward: dsrc += y ⊙ (dy − gather(Σ_segment dy ⊙ y)).
    /// </summary>
    public static Tensor SegmentSoftmax(Tensor src, IndexTensor index, int count)
    {
        if (src.Rank < 1 || src.Rank > 2 || src.Shape[0] != index.Length)
            throw new ShapeMismatchException(
                $"SegmentSoftmax: src must be [E] or [E, H] with E = {index.Length} index entries, got {Shapes.Format(src.Shape)}");
        int cols = src.Rank == 2 ? src.Shape[1] : 1;
        var segments = index.Segments(count);
        var be = src.Backend;
        var y = OpSupport.Output(be, src.Shape);
        be.SegmentSoftmax(src.Data, cols, segments, y.Data);
        return Tape.Record(y, [src], dy => be.SegmentSoftmaxBackward(y.Data, dy.Data, cols, segments, src.GradBuffer()));
    }
}
