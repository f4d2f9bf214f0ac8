using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = log(1 + eˣ), as max(x, 0) + log1p(e^−|x|) for stability. Backward: dx += dy·σ(x). Any shape → same shape.</summary>
    public static Tensor Softplus(Tensor x) => OpSupport.Elementwise(x, UnaryOp.Softplus, 0f);
}
