using System.Numerics;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = s·x, any shape. Backward: dx += s·dy.</summary>
    public static Tensor Scale(Tensor x, float s) => OpSupport.Elementwise<ScaleFunction>(x, s);

    /// <summary>y = x + s, any shape. Backward: dx += dy.</summary>
    public static Tensor AddScalar(Tensor x, float s) => OpSupport.Elementwise<AddScalarFunction>(x, s);

    /// <summary>y = x², any shape. Backward: dx += 2x·dy.</summary>
    public static Tensor Square(Tensor x) => OpSupport.Elementwise<SquareFunction>(x, 0f);

    /// <summary>y = min(x, max), any shape. Backward: dx += dy where x ≤ max (PyTorch's clamp).</summary>
    public static Tensor ClampMax(Tensor x, float max) => OpSupport.Elementwise<ClampMaxFunction>(x, max);
}

/// <summary>α·x.</summary>
public readonly struct ScaleFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T> => a * x;
    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => a;
}

/// <summary>x + α.</summary>
public readonly struct AddScalarFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T> => x + a;
    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => T.One;
}

/// <summary>x².</summary>
public readonly struct SquareFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T> => x * x;
    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => (x + x);
}

/// <summary>min(x, α); the gradient passes where x ≤ α (PyTorch's clamp).</summary>
public readonly struct ClampMaxFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T> => T.Min(x, a);
    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => x <= a ? T.One : T.Zero;
}
