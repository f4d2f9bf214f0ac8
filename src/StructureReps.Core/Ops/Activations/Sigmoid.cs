using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = 1 / (1 + e^−x). Backward: dx += dy·y(1 − y). Any shape → same shape.</summary>
    public static Tensor Sigmoid(Tensor x) => OpSupport.Elementwise(x, UnaryOp.Sigmoid, 0f);
}
