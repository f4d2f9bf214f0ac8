using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = eˣ. Backward: dx += dy·y. Any shape → same shape.</summary>
    public static Tensor Exp(Tensor x) => OpSupport.Elementwise(x, UnaryOp.Exp, 0f);
}
