using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = tanh x. Backward: dx += dy·(1 − y²). Any shape → same shape.</summary>
    public static Tensor Tanh(Tensor x) => OpSupport.Elementwise(x, UnaryOp.Tanh, 0f);
}
