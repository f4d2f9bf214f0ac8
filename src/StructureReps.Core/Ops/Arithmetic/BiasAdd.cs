namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// y = x + bias along <paramref name="axis"/>: x [.., C, ..], bias [C] → same shape as x
    /// (axis 1 serves both Linear's [N, C] and Conv2d's [B, C, H, W]). Backward through <see cref="Add"/>:
    /// dbias += Σ over every other axis of dy.
    /// </summary>
    public static Tensor BiasAdd(Tensor x, Tensor bias, int axis = 1)
    {
        int a = Shapes.NormalizeAxis("BiasAdd", axis, x.Rank);
        if (bias.Rank != 1 || bias.Length != x.Shape[a])
            throw new ShapeMismatchException(
                $"BiasAdd: bias must be [{x.Shape[a]}] to match axis {a} of x {Shapes.Format(x.Shape)}, got {Shapes.Format(bias.Shape)}");
        var shape = new int[x.Rank - a];
        Array.Fill(shape, 1);
        shape[0] = bias.Length;
        return Add(x, Reshape(bias, shape));
    }
}
