using System.Numerics;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = x·sigmoid(x) (SiLU, PyTorch's nn.SiLU). Backward: dx += dy·(s + x·s(1 − s)), s = sigmoid(x). Any shape.</summary>
    public static Tensor Silu(Tensor x) => OpSupport.Elementwise<SiluFunction>(x, 0f);
}

/// <summary>x·σ(x); f' = σ(x)(1 + x(1 − σ(x))). Runs as its scalar definition on every backend (no vector version).</summary>
public readonly struct SiluFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T> => x * default(SigmoidFunction).Apply(x, a);

    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T>
    {
        T s = default(SigmoidFunction).Apply(x, a);
        return s * (T.One + x * (T.One - s));
    }
}
