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
    /// <summary>The names EncoderConfig.Decoder accepts.</summary>
    public static readonly string[] Names = ["inner", "bilinear", "distance"];

    /// <summary>Logits of the pairs (source[p], target[p]) from z [N, latent] → [pairs].</summary>
    public abstract Tensor Logits(Tensor z, int[] source, int[] target);

    /// <summary>The decoder of <paramref name="name"/>, or null for the inner product (no parameters).</summary>
    public static PairDecoder? Create(string name, int latent, Rng rng, Core.Backends.IBackend? backend) => name switch
    {
        "inner" => null,
        "bilinear" => new BilinearDecoder(latent, backend),
        "distance" => new DistanceDecoder(latent, rng, backend),
        _ => throw new ArgumentException($"decoder '{name}' is not one of {string.Join(", ", Names)}"),
    };
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
