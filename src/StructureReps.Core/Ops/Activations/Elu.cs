using System.Numerics;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = x for x &gt; 0, alpha·(eˣ − 1) otherwise. Backward: dx += dy·(x &gt; 0 ? 1 : y + alpha). Any shape → same shape.</summary>
    public static Tensor Elu(Tensor x, float alpha = 1f) => OpSupport.Elementwise<EluFunction>(x, alpha);
}

/// <summary>x for x &gt; 0, α·(eˣ − 1) otherwise.</summary>
public readonly struct EluFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T> => x > T.Zero ? x : a * (T.Exp(x) - T.One);
    // d/dx α(eˣ − 1) = αeˣ = y + α.
    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => x > T.Zero ? T.One : y + a;
}
