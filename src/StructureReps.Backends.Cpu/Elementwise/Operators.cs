using System.Runtime.Intrinsics;
using StructureReps.Core;

namespace StructureReps.Backends.Cpu.Elementwise;

/// <summary>
/// An elementwise function y = f(x; α), in scalar and vector form (TensorPrimitives' operator shape). The scalar
/// form is the function's one definition (Core's IUnaryFunction structs); the vector forms must match it.
/// </summary>
internal interface IUnaryOperator
{
    static abstract float Invoke(float x, float alpha);
    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> alpha);
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> alpha);
}

/// <summary>A derivative f'(x, y = f(x); α), in scalar and vector form.</summary>
internal interface IDerivativeOperator
{
    static abstract float Invoke(float x, float y, float alpha);
    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> alpha);
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> alpha);
}

// ------------------------------------------------------------------ functions TensorPrimitives lacks

internal readonly struct LeakyReluOperator : IUnaryOperator
{
    public static float Invoke(float x, float a) => default(LeakyReluFunction).Apply(x, a);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> a) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, a * x);
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> a) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, a * x);
}

internal readonly struct EluOperator : IUnaryOperator
{
    public static float Invoke(float x, float a) => default(EluFunction).Apply(x, a);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> a) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x,
            a * (Vector512.Exp(Vector512.Min(x, Vector512<float>.Zero)) - Vector512<float>.One));
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> a) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x,
            a * (Vector256.Exp(Vector256.Min(x, Vector256<float>.Zero)) - Vector256<float>.One));
}

/// <summary>
/// softplus(x) = max(x, 0) + log1p(e^−|x|). log1p(t) is computed as log(u)·t/(u − 1) with u = 1 + t (Kahan's
/// trick), which keeps full relative precision where 1 + t rounds, instead of log(1 + t).
/// </summary>
internal readonly struct SoftplusOperator : IUnaryOperator
{
    public static float Invoke(float x, float a) => default(SoftplusFunction).Apply(x, a);

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> a)
    {
        var t = Vector512.Exp(-Vector512.Abs(x));
        var u = Vector512<float>.One + t;
        var log1p = Vector512.ConditionalSelect(Vector512.Equals(u, Vector512<float>.One), t,
            Vector512.Log(u) * t / (u - Vector512<float>.One));
        return Vector512.Max(x, Vector512<float>.Zero) + log1p;
    }

    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> a)
    {
        var t = Vector256.Exp(-Vector256.Abs(x));
        var u = Vector256<float>.One + t;
        var log1p = Vector256.ConditionalSelect(Vector256.Equals(u, Vector256<float>.One), t,
            Vector256.Log(u) * t / (u - Vector256<float>.One));
        return Vector256.Max(x, Vector256<float>.Zero) + log1p;
    }
}

// ------------------------------------------------------------------ derivatives (f' from x or from y = f(x))

internal readonly struct ReluDerivative : IDerivativeOperator
{
    public static float Invoke(float x, float y, float a) => default(ReluFunction).Derivative(x, y, a);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512<float>.One, Vector512<float>.Zero);
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero);
}

internal readonly struct LeakyReluDerivative : IDerivativeOperator
{
    public static float Invoke(float x, float y, float a) => default(LeakyReluFunction).Derivative(x, y, a);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512<float>.One, a);
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, a);
}

internal readonly struct EluDerivative : IDerivativeOperator
{
    public static float Invoke(float x, float y, float a) => default(EluFunction).Derivative(x, y, a);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512<float>.One, y + a);
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, y + a);
}

internal readonly struct TanhDerivative : IDerivativeOperator
{
    public static float Invoke(float x, float y, float a) => default(TanhFunction).Derivative(x, y, a);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a) => Vector512<float>.One - y * y;
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a) => Vector256<float>.One - y * y;
}

internal readonly struct SigmoidDerivative : IDerivativeOperator
{
    public static float Invoke(float x, float y, float a) => default(SigmoidFunction).Derivative(x, y, a);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a) => y * (Vector512<float>.One - y);
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a) => y * (Vector256<float>.One - y);
}

/// <summary>f' = y (exp).</summary>
internal readonly struct OutputDerivative : IDerivativeOperator
{
    public static float Invoke(float x, float y, float a) => default(ExpFunction).Derivative(x, y, a);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a) => y;
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a) => y;
}

internal readonly struct LogDerivative : IDerivativeOperator
{
    public static float Invoke(float x, float y, float a) => default(LogFunction).Derivative(x, y, a);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a) => Vector512<float>.One / x;
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a) => Vector256<float>.One / x;
}

/// <summary>softplus' = σ(x) = 1 / (1 + e^−x).</summary>
internal readonly struct SoftplusDerivative : IDerivativeOperator
{
    public static float Invoke(float x, float y, float a) => default(SoftplusFunction).Derivative(x, y, a);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a) =>
        Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-x));
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a) =>
        Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));
}

internal readonly struct SquareDerivative : IDerivativeOperator
{
    public static float Invoke(float x, float y, float a) => default(SquareFunction).Derivative(x, y, a);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a) => x + x;
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a) => x + x;
}

/// <summary>clamp' = [x ≤ α].</summary>
internal readonly struct ClampMaxDerivative : IDerivativeOperator
{
    public static float Invoke(float x, float y, float a) => default(ClampMaxFunction).Derivative(x, y, a);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> a) =>
        Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, a), Vector512<float>.One, Vector512<float>.Zero);
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> a) =>
        Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, a), Vector256<float>.One, Vector256<float>.Zero);
}
