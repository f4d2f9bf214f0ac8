using System.Numerics.Tensors;
using StructureReps.Core;
using StructureReps.Core.Backends;

namespace StructureReps.Backends.Cpu.Elementwise;

/// <summary>
/// The vectorized versions of the <see cref="IUnaryFunction"/>s this backend knows: TensorPrimitives where it has
/// the function, else an operator of Operators.cs through the <see cref="Driver"/>. Optional per function: a
/// function without one here runs its scalar definition (the same numbers, slower). The type tests are constants
/// once the JIT specializes the generic method, so each instantiation is one branch.
/// </summary>
internal static class VectorFunctions
{
    /// <summary>y = f(x) when f has a vector version here; false (nothing written) otherwise.</summary>
    public static bool TryMap<TFunction>(ReadOnlySpan<float> x, Span<float> y, float alpha) where TFunction : struct, IUnaryFunction
    {
        if (typeof(TFunction) == typeof(ReluFunction)) TensorPrimitives.Max(x, 0f, y);
        else if (typeof(TFunction) == typeof(LeakyReluFunction)) Driver.Map<LeakyReluOperator>(x, y, alpha);
        else if (typeof(TFunction) == typeof(EluFunction)) Driver.Map<EluOperator>(x, y, alpha);
        else if (typeof(TFunction) == typeof(TanhFunction)) TensorPrimitives.Tanh(x, y);
        else if (typeof(TFunction) == typeof(SigmoidFunction)) TensorPrimitives.Sigmoid(x, y);
        else if (typeof(TFunction) == typeof(ExpFunction)) TensorPrimitives.Exp(x, y);
        else if (typeof(TFunction) == typeof(LogFunction)) TensorPrimitives.Log(x, y);
        else if (typeof(TFunction) == typeof(SoftplusFunction)) Driver.Map<SoftplusOperator>(x, y, alpha);
        else if (typeof(TFunction) == typeof(ScaleFunction)) TensorPrimitives.Multiply(x, alpha, y);
        else if (typeof(TFunction) == typeof(AddScalarFunction)) TensorPrimitives.Add(x, alpha, y);
        else if (typeof(TFunction) == typeof(SquareFunction)) TensorPrimitives.Multiply(x, x, y);
        else if (typeof(TFunction) == typeof(ClampMaxFunction)) TensorPrimitives.Min(x, alpha, y);
        else return false;
        return true;
    }

    /// <summary>dx += dy·f'(x, y) when f' has a vector version here; false (nothing written) otherwise.</summary>
    public static bool TryDerivative<TFunction>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, float alpha)
        where TFunction : struct, IUnaryFunction
    {
        if (typeof(TFunction) == typeof(ReluFunction)) Driver.DerivativeMul<ReluDerivative>(x, y, dy, dx, alpha);
        else if (typeof(TFunction) == typeof(LeakyReluFunction)) Driver.DerivativeMul<LeakyReluDerivative>(x, y, dy, dx, alpha);
        else if (typeof(TFunction) == typeof(EluFunction)) Driver.DerivativeMul<EluDerivative>(x, y, dy, dx, alpha);
        else if (typeof(TFunction) == typeof(TanhFunction)) Driver.DerivativeMul<TanhDerivative>(x, y, dy, dx, alpha);
        else if (typeof(TFunction) == typeof(SigmoidFunction)) Driver.DerivativeMul<SigmoidDerivative>(x, y, dy, dx, alpha);
        else if (typeof(TFunction) == typeof(ExpFunction)) Driver.DerivativeMul<OutputDerivative>(x, y, dy, dx, alpha);
        else if (typeof(TFunction) == typeof(LogFunction)) Driver.DerivativeMul<LogDerivative>(x, y, dy, dx, alpha);
        else if (typeof(TFunction) == typeof(SoftplusFunction)) Driver.DerivativeMul<SoftplusDerivative>(x, y, dy, dx, alpha);
        else if (typeof(TFunction) == typeof(ScaleFunction)) TensorPrimitives.MultiplyAdd(dy, alpha, dx, dx);
        else if (typeof(TFunction) == typeof(AddScalarFunction)) TensorPrimitives.Add(dx, dy, dx);
        else if (typeof(TFunction) == typeof(SquareFunction)) Driver.DerivativeMul<SquareDerivative>(x, y, dy, dx, alpha);
        else if (typeof(TFunction) == typeof(ClampMaxFunction)) Driver.DerivativeMul<ClampMaxDerivative>(x, y, dy, dx, alpha);
        else return false;
        return true;
    }
}
