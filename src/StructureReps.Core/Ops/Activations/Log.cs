using System.Numerics;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = ln x (x &gt; 0). Backward: dx += dy / x. Any shape → same shape.</summary>
    public static Tensor Log(Tensor x) => OpSupport.Elementwise<LogFunction>(x, 0f);
}

/// <summary>ln x; f' = 1/x.</summary>
public readonly struct LogFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T> => T.Log(x);
    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => T.One / x;
}
