using ILGPU.Algorithms;

namespace StructureReps.Kernels;

/// <summary>
/// An elementwise function y = f(x; α) with its derivative beside it, f'(x) given y = f(x) too (cheaper from y
/// for tanh, sigmoid, exp). Instance methods on empty structs: ILGPU specializes a generic kernel per struct and
/// inlines the call, so one kernel source serves every function.
/// </summary>
public interface IUnaryOperator
{
    float Apply(float x, float alpha);

    float Derivative(float x, float y, float alpha);
}

/// <summary>A binary elementwise function c = a ∘ b.</summary>
public interface IBinaryOperator
{
    float Apply(float a, float b);
}

public readonly struct ReluOp : IUnaryOperator
{
    public float Apply(float x, float a) => x > 0 ? x : 0;
    public float Derivative(float x, float y, float a) => x > 0 ? 1 : 0;
}

public readonly struct LeakyReluOp : IUnaryOperator
{
    public float Apply(float x, float a) => x > 0 ? x : a * x;
    public float Derivative(float x, float y, float a) => x > 0 ? 1 : a;
}

public readonly struct EluOp : IUnaryOperator
{
    public float Apply(float x, float a) => x > 0 ? x : a * (XMath.Exp(x) - 1);
    // d/dx α(eˣ − 1) = αeˣ = y + α.
    public float Derivative(float x, float y, float a) => x > 0 ? 1 : y + a;
}

public readonly struct TanhOp : IUnaryOperator
{
    public float Apply(float x, float a) => XMath.Tanh(x);
    public float Derivative(float x, float y, float a) => 1 - y * y;
}

public readonly struct SigmoidOp : IUnaryOperator
{
    // Two branches so that e^(−x) never overflows for very negative x.
    public float Apply(float x, float a)
    {
        if (x >= 0) return 1 / (1 + XMath.Exp(-x));
        float e = XMath.Exp(x);
        return e / (1 + e);
    }

    public float Derivative(float x, float y, float a) => y * (1 - y);
}

public readonly struct ExpOp : IUnaryOperator
{
    public float Apply(float x, float a) => XMath.Exp(x);
    public float Derivative(float x, float y, float a) => y;
}

public readonly struct LogOp : IUnaryOperator
{
    public float Apply(float x, float a) => XMath.Log(x);
    public float Derivative(float x, float y, float a) => 1 / x;
}

/// <summary>softplus(x) = max(x, 0) + log1p(e^−|x|), log1p by Kahan's log(u)·t/(u − 1), as the CPU backend.</summary>
public readonly struct SoftplusOp : IUnaryOperator
{
    public float Apply(float x, float a)
    {
        float t = XMath.Exp(-XMath.Abs(x)), u = 1 + t;
        return XMath.Max(x, 0f) + (u == 1 ? t : XMath.Log(u) * t / (u - 1));
    }

    public float Derivative(float x, float y, float a) => 1 / (1 + XMath.Exp(-x));
}

public readonly struct ScaleOp : IUnaryOperator
{
    public float Apply(float x, float a) => a * x;
    public float Derivative(float x, float y, float a) => a;
}

public readonly struct AddScalarOp : IUnaryOperator
{
    public float Apply(float x, float a) => x + a;
    public float Derivative(float x, float y, float a) => 1;
}

public readonly struct SquareOp : IUnaryOperator
{
    public float Apply(float x, float a) => x * x;
    public float Derivative(float x, float y, float a) => 2 * x;
}

/// <summary>min(x, α); the gradient passes where x ≤ α (PyTorch's clamp).</summary>
public readonly struct ClampMaxOp : IUnaryOperator
{
    public float Apply(float x, float a) => x < a ? x : a;
    public float Derivative(float x, float y, float a) => x <= a ? 1 : 0;
}

public readonly struct AddOp : IBinaryOperator { public float Apply(float a, float b) => a + b; }

public readonly struct SubOp : IBinaryOperator { public float Apply(float a, float b) => a - b; }

public readonly struct MulOp : IBinaryOperator { public float Apply(float a, float b) => a * b; }

public readonly struct DivOp : IBinaryOperator { public float Apply(float a, float b) => a / b; }
