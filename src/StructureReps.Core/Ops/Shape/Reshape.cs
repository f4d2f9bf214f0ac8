using StructureReps.Core.Autodiff;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// The same elements in a new shape of equal count (one axis may be −1: inferred). Shares storage: no copy.
    /// Backward: dx += dy read in x's shape.
    /// </summary>
    public static Tensor Reshape(Tensor x, int[] shape)
    {
        shape = (int[])shape.Clone();
        int infer = Array.IndexOf(shape, -1);
        if (infer >= 0)
        {
            int known = 1;
            for (int d = 0; d < shape.Length; d++) if (d != infer) known *= shape[d];
            if (known == 0 || x.Length % known != 0)
                throw new ShapeMismatchException($"Reshape: cannot infer the −1 axis of {Shapes.Format(shape)} for {x.Length} elements");
            shape[infer] = x.Length / known;
        }
        if (Shapes.Count(shape) != x.Length)
            throw new ShapeMismatchException(
                $"Reshape: x {Shapes.Format(x.Shape)} has {x.Length} elements, target {Shapes.Format(shape)} has {Shapes.Count(shape)}");
        var y = x.View(shape);
        return Tape.Record(y, [x], dy => OpSupport.Accumulate(x, dy.Data));
    }
}
