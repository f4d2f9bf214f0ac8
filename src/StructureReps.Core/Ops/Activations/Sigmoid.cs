using System.Numerics;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = 1 / (1 + e^−x). Backward: dx += dy·y(1 − y). Any shape → same shape.</summary>
    public static Tensor Sigmoid(Tensor x) => OpSupport.Elementwise<SigmoidFunction>(x, 0f);
}

/// <summary>1 / (1 + e⁻ˣ); f' = y(1 − y).</summary>
public readonly struct SigmoidFunction : IUnaryFunction
{
    // Two branches so that e^(−x) never overflows for very negative x.
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T>
    {
        if (x >= T.Zero) return T.One / (T.One + T.Exp(-x));
        T e = T.Exp(x);
        return e / (T.One + e);
    }

    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => y * (T.One - y);
}
