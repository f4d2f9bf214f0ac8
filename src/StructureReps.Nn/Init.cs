using StructureReps.Core;
using StructureReps.Core.Backends;

namespace StructureReps.Nn;

/// <summary>Parameter initializers, drawn on the host from a seeded <see cref="Rng"/> so runs are reproducible.</summary>
public static class Init
{
    /// <summary>U(±1/√fanIn): PyTorch's default for Linear and Conv2d weights and biases.</summary>
    public static Tensor UniformFanIn(int[] shape, int fanIn, Rng rng, IBackend? backend = null)
    {
        double bound = fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0;
        return Tensor.From(rng.UniformArray(Shapes.Count(shape), -bound, bound), shape, backend);
    }

    /// <summary>Glorot (Xavier) uniform: U(±√(6/(fanIn + fanOut))), PyG's glorot for attention vectors and GAT weights.</summary>
    public static Tensor GlorotUniform(int[] shape, int fanIn, int fanOut, Rng rng, IBackend? backend = null)
    {
        double bound = Math.Sqrt(6.0 / (fanIn + fanOut));
        return Tensor.From(rng.UniformArray(Shapes.Count(shape), -bound, bound), shape, backend);
    }

    /// <summary>Kaiming (He) uniform for ReLU: U(±√(6/fanIn)).</summary>
    public static Tensor KaimingUniform(int[] shape, int fanIn, Rng rng, IBackend? backend = null)
    {
        double bound = Math.Sqrt(6.0 / fanIn);
        return Tensor.From(rng.UniformArray(Shapes.Count(shape), -bound, bound), shape, backend);
    }

    /// <summary>Kaiming (He) normal for ReLU: N(0, 2/fanIn).</summary>
    public static Tensor KaimingNormal(int[] shape, int fanIn, Rng rng, IBackend? backend = null) =>
        Tensor.From(rng.NormalArray(Shapes.Count(shape), 0, Math.Sqrt(2.0 / fanIn)), shape, backend);

    /// <summary>Zeros (PyG's bias initialization).</summary>
    public static Tensor Zeros(int[] shape, IBackend? backend = null) => Tensor.Zeros(shape, backend);
}
