using System.Numerics;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = eˣ. Backward: dx += dy·y. Any shape → same shape.</summary>
    public static Tensor Exp(Tensor x) => OpSupport.Elementwise<ExpFunction>(x, 0f);
}

/// <summary>eˣ; f' = y.</summary>
public readonly struct ExpFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T> => T.Exp(x);
    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => y;
}
