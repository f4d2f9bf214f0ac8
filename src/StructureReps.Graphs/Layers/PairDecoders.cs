using StructureReps.Core;
using StructureReps.Nn;
using StructureReps.Nn.Modules;

namespace StructureReps.Graphs.Layers;

/// <summary>
/// Scores a node pair from its embeddings for the VGAE's reconstruction loss. The paper's decoder is the inner
/// product σ(z_i·z_j) (<see cref="Vgae.PairLogits"/>); on a layered network graph every node of a hidden layer has
/// the same neighbours, an encoder with shared weights gives the nodes of one layer nearly the same embedding,
/// and then no inner product can score a between-layer pair (an edge) above a within-layer pair (most
/// negatives). The two decoders here can:
/// <list type="bullet">
/// <item><c>bilinear</c>: logit = z_iᵀ W_s z_j with W_s = (W + Wᵀ)/2 symmetric, W starting at the identity (so it
/// starts as the inner product) — <see cref="BilinearDecoder"/>.</item>
/// <item><c>distance</c>: logit = w·|z_i − z_j| + b, per latent dimension — <see cref="DistanceDecoder"/>.</item>
/// </list>
/// </summary>
public abstract class PairDecoder : Module
{
    /// <summary>How a registered decoder is made from the latent width (null: the parameter-free inner product).</summary>
    public delegate PairDecoder? Factory(int latent, Rng rng, Core.Backends.IBackend? backend);

    private static readonly List<(string Name, Factory Create)> Kinds =
    [
        ("inner", (_, _, _) => null),
        ("bilinear", (latent, _, backend) => new BilinearDecoder(latent, backend)),
        ("distance", (latent, rng, backend) => new DistanceDecoder(latent, rng, backend)),
    ];

    /// <summary>The names EncoderConfig.Decoder accepts, in registration order.</summary>
    public static IReadOnlyList<string> Names
    {
        get { lock (Kinds) return [.. Kinds.Select(k => k.Name)]; }
    }

    /// <summary>Adds a decoder by name (a new decoder is its own class and this one call); a taken name is refused.</summary>
    public static void Register(string name, Factory create)
    {
        lock (Kinds)
        {
            if (Kinds.Any(k => k.Name == name)) throw new ArgumentException($"decoder '{name}' is registered already");
            Kinds.Add((name, create));
        }
    }

    /// <summary>Logits of the pairs (source[p], target[p]) from z [N, latent] → [pairs].</summary>
    public abstract Tensor Logits(Tensor z, int[] source, int[] target);

    /// <summary>The decoder of <paramref name="name"/>, or null for the inner product (no parameters).</summary>
    public static PairDecoder? Create(string name, int latent, Rng rng, Core.Backends.IBackend? backend)
    {
        Factory? create;
        lock (Kinds) create = Kinds.FirstOrDefault(k => k.Name == name).Create;
        return create is null ? throw new ArgumentException($"decoder '{name}' is not one of {string.Join(", ", Names)}") : create(latent, rng, backend);
    }
}

/// <summary>logit(i, j) = z_iᵀ W_s z_j, W_s = (W + Wᵀ)/2, W [latent, latent] starting at I: one GEMM and one EdgeDot.</summary>
public sealed class BilinearDecoder : PairDecoder
{
    public BilinearDecoder(int latent, Core.Backends.IBackend? backend = null)
    {
        var identity = new float[latent * latent];
        for (int i = 0; i < latent; i++) identity[i * latent + i] = 1f;
        Weight = RegisterParameter("weight", Tensor.From(identity, [latent, latent], backend));
    }

    public Tensor Weight { get; }

    public override Tensor Logits(Tensor z, int[] source, int[] target)
    {
        var symmetric = (Weight + Ops.Permute(Weight, [1, 0])) * 0.5f;
        var zw = Ops.MatMul(z, symmetric);
        return Ops.Reshape(Ops.EdgeDot(zw, new IndexTensor(source), z, new IndexTensor(target)), [source.Length]);
    }

    public override string ToString() => $"BilinearDecoder({Weight.Shape[0]}, symmetric)";
}

/// <summary>logit(i, j) = w·|z_i − z_j| + b (Linear(latent, 1) on the absolute difference, |d| = ReLU(d) + ReLU(−d)).</summary>
public sealed class DistanceDecoder : PairDecoder
{
    private readonly Linear _lin;

    public DistanceDecoder(int latent, Rng rng, Core.Backends.IBackend? backend = null) =>
        _lin = RegisterModule("lin", new Linear(latent, 1, rng, backend: backend));

    public override Tensor Logits(Tensor z, int[] source, int[] target)
    {
        var difference = Ops.IndexSelect(z, new IndexTensor(source)) - Ops.IndexSelect(z, new IndexTensor(target));
        var magnitude = Ops.Relu(difference) + Ops.Relu(-difference);
        return Ops.Reshape(_lin.Forward(magnitude), [source.Length]);
    }

    public override string ToString() => $"DistanceDecoder({_lin.InFeatures})";
}
