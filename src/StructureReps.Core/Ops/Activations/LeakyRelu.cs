using System.Numerics;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>y = x for x &gt; 0, slope·x otherwise (slope 0.2 as GAT's by default). Backward: dx += dy·(x &gt; 0 ? 1 : slope). Any shape → same shape.</summary>
    public static Tensor LeakyRelu(Tensor x, float slope = 0.2f) => OpSupport.Elementwise<LeakyReluFunction>(x, slope);
}

/// <summary>x for x &gt; 0, α·x otherwise.</summary>
public readonly struct LeakyReluFunction : IUnaryFunction
{
    public T Apply<T>(T x, T a) where T : struct, IFloatingPointIeee754<T> => x > T.Zero ? x : a * x;
    public T Derivative<T>(T x, T y, T a) where T : struct, IFloatingPointIeee754<T> => x > T.Zero ? T.One : a;
}
