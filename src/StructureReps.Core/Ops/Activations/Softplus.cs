using System.Numerics;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = log(1 + eˣ), as max(x, 0) + log1p(e^−|x|) for stability. Backward: dx += dy·σ(x). Any shape → same shape.</summary>
    public static Tensor Softplus(Tensor x) => OpSupport.Elementwise<SoftplusFunction>(x, 0f);
}

/// <summary>
/// log(1 + eˣ) = max(x, 0) + log1p(e^−|x|); f' = sigmoid(x). log1p(t) is computed as log(u)·t/(u − 1) with
/// u = 1 + t (Kahan's trick), which keeps full relative precision where 1 + t rounds.
/// </summary>
public readonly struct SoftplusFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T>
    {
        T t = T.Exp(-T.Abs(x)), u = T.One + t;
        return T.Max(x, T.Zero) + (u == T.One ? t : T.Log(u) * t / (u - T.One));
    }

    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => default(SigmoidFunction).Apply(x, a);
}
