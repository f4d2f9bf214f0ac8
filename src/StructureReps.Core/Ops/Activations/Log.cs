using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = ln x (x &gt; 0). Backward: dx += dy / x. Any shape → same shape.</summary>
    public static Tensor Log(Tensor x) => OpSupport.Elementwise(x, UnaryOp.Log, 0f);
}
