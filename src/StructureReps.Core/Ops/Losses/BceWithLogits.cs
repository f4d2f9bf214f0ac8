namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Binary cross-entropy on logits: x and targets t ∈ [0, 1] of one shape → scalar [],
    /// mean(softplus(x) − x·t), which equals −mean(t log σ(x) + (1 − t) log(1 − σ(x))) without overflow.
    /// Backward (by composition): dx += (σ(x) − t)/N.
    /// </summary>
    public static Tensor BceWithLogits(Tensor logits, Tensor targets)
    {
        Shapes.Equal("BceWithLogits", logits, targets);
        return MeanAll(Sub(Softplus(logits), Mul(logits, targets)));
    }
}
