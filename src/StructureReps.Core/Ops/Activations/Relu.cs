using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = max(x, 0). Backward: dx += dy·[x &gt; 0]. Any shape → same shape.</summary>
    public static Tensor Relu(Tensor x) => OpSupport.Elementwise(x, UnaryOp.Relu, 0f);
}
