using StructureReps.Core.Autodiff;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Elements [start, start + length) along <paramref name="axis"/>: x [.., A, ..] → [.., length, ..] (a copy).
    /// Backward: dx[.., start + i, ..] += dy[.., i, ..].
    /// </summary>
    public static Tensor Slice(Tensor x, int axis, int start, int length)
    {
        int ax = Shapes.NormalizeAxis("Slice", axis, x.Rank);
        if (start < 0 || length < 0 || start + length > x.Shape[ax])
            throw new ShapeMismatchException(
                $"Slice: [{start}, {start + length}) is outside axis {ax} of length {x.Shape[ax]} (x {Shapes.Format(x.Shape)})");
        var shape = (int[])x.Shape.Clone();
        shape[ax] = length;
        var y = OpSupport.Output(x.Backend, shape);
        int outer = Shapes.Product(x.Shape, 0, ax), inner = Shapes.Product(x.Shape, ax + 1, x.Rank);
        int srcStride = x.Shape[ax] * inner, block = length * inner;
        x.Backend.CopyBlocks(x.Data, start * inner, srcStride, y.Data, 0, block, outer, block, accumulate: false);
        return Tape.Record(y, [x], dy =>
            x.Backend.CopyBlocks(dy.Data, 0, block, x.GradBuffer(), start * inner, srcStride, outer, block, accumulate: true));
    }
}
