using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = s·x, any shape. Backward: dx += s·dy.</summary>
    public static Tensor Scale(Tensor x, float s) => OpSupport.Elementwise(x, UnaryOp.Scale, s);

    /// <summary>y = x + s, any shape. Backward: dx += dy.</summary>
    public static Tensor AddScalar(Tensor x, float s) => OpSupport.Elementwise(x, UnaryOp.AddScalar, s);

    /// <summary>y = x², any shape. Backward: dx += 2x·dy.</summary>
    public static Tensor Square(Tensor x) => OpSupport.Elementwise(x, UnaryOp.Square, 0f);

    /// <summary>y = min(x, max), any shape. Backward: dx += dy where x ≤ max (PyTorch's clamp).</summary>
    public static Tensor ClampMax(Tensor x, float max) => OpSupport.Elementwise(x, UnaryOp.ClampMax, max);
}
