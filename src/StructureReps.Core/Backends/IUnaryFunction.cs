using System.Numerics;

namespace StructureReps.Core.Backends;

/// <summary>
/// An elementwise function y = f(x; α) with its derivative f'(x) (given y = f(x) too, cheaper from y for tanh,
/// sigmoid, exp), written once in generic math on an empty struct. Every backend runs this one definition: the
/// reference backend in double (the oracle, and finite differences), the CPU backend's scalar path and the ILGPU
/// kernels in float (ILGPU specializes a kernel per struct and inlines the call). A backend may add a vectorized
/// version of a function it knows (the CPU backend's Elementwise/VectorFunctions.cs); without one the scalar
/// definition runs. An activation is this struct and its op, in one file of Ops/Activations.
/// </summary>
public interface IUnaryFunction
{
    T Apply<T>(T x, T alpha) where T : struct, IFloatingPointIeee754<T>;

    T Derivative<T>(T x, T y, T alpha) where T : struct, IFloatingPointIeee754<T>;
}
