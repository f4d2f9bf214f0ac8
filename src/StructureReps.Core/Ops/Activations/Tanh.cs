using System.Numerics;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = tanh x. Backward: dx += dy·(1 − y²). Any shape → same shape.</summary>
    public static Tensor Tanh(Tensor x) => OpSupport.Elementwise<TanhFunction>(x, 0f);
}

/// <summary>tanh x; f' = 1 − y².</summary>
public readonly struct TanhFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T> => T.Tanh(x);
    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => T.One - y * y;
}
