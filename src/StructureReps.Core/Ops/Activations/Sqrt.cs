using System.Numerics;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = √x. Backward: dx += dy / (2y). Any shape → same shape.</summary>
    public static Tensor Sqrt(Tensor x) => OpSupport.Elementwise<SqrtFunction>(x, 0f);
}

/// <summary>√x; f' = 1/(2y).</summary>
public readonly struct SqrtFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T> => T.Sqrt(x);
    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => T.One / (y + y);
}
