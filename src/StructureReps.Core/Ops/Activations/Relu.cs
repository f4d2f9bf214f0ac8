using System.Numerics;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = max(x, 0). Backward: dx += dy·[x &gt; 0]. Any shape → same shape.</summary>
    public static Tensor Relu(Tensor x) => OpSupport.Elementwise<ReluFunction>(x, 0f);
}

/// <summary>max(x, 0); f' = [x &gt; 0].</summary>
public readonly struct ReluFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T> => x > T.Zero ? x : T.Zero;
    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => x > T.Zero ? T.One : T.Zero;
}
