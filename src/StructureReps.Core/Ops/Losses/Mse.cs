namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Mean squared error: prediction and target of one shape → scalar [], mean((p − t)²).
    /// Composed of <see cref="Sub"/>, <see cref="Square"/>, <see cref="MeanAll"/>: dp += 2(p − t)/N.
    /// </summary>
    public static Tensor Mse(Tensor prediction, Tensor target)
    {
        Shapes.Equal("Mse", prediction, target);
        return MeanAll(Square(Sub(prediction, target)));
    }
}
