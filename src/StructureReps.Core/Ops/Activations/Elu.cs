using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = x for x &gt; 0, alpha·(eˣ − 1) otherwise. Backward: dx += dy·(x &gt; 0 ? 1 : y + alpha). Any shape → same shape.</summary>
    public static Tensor Elu(Tensor x, float alpha = 1f) => OpSupport.Elementwise(x, UnaryOp.Elu, alpha);
}
