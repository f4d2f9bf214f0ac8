using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = x for x &gt; 0, slope·x otherwise (slope 0.2 as GAT's by default). Backward: dx += dy·(x &gt; 0 ? 1 : slope). Any shape → same shape.</summary>
    public static Tensor LeakyRelu(Tensor x, float slope = 0.2f) => OpSupport.Elementwise(x, UnaryOp.LeakyRelu, slope);
}
