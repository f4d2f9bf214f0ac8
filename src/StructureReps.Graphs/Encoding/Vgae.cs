using StructureReps.Core;
using StructureReps.Graphs.Layers;
using StructureReps.Nn.Modules;

namespace StructureReps.Graphs.Encoding;

/// <summary>
/// The variational graph autoencoder (Kipf &amp; Welling 2016; spec §6) over a graph batch:
/// <code>
///   x      = [LF or RF ‖ EA(ε)]            (EA only in the EA+ configurations)
///   h      = ReLU(Conv1(x))                 hidden 32
///   μ      = Conv_μ(h),  logσ = min(Conv_logσ(h), 10)     latent 16
///   z      = μ + ε·exp(logσ) in training, μ at inference
///   p(i~j) = σ(z_i·z_j)                   (or a layered-graph decoder, see PairDecoder)
///   loss   = −mean_pos log(p + 1e-15) − mean_neg log(1 − p + 1e-15) + (1/N)·KL,
///   KL     = −½ · mean over nodes of Σ_d (1 + 2logσ − μ² − e^{2logσ})
/// </code>
/// Conv is TransformerConv or GATConv with the edge features (edge_dim = D).
/// </summary>
public sealed class Vgae : Module
{
    private readonly EdgeAttention? _ea;
    private readonly IGraphConv _conv1, _convMu, _convLogStd;

    /// <summary>The configuration's encoder and decoder, drawn from <paramref name="rng"/> (the same weights for the same seed).</summary>
    public Vgae(EncoderConfig config, int edgeDim, Rng rng, Core.Backends.IBackend? backend = null)
        : this(config, edgeDim, VgaeEncoder.Build(config, edgeDim, rng, backend), PairDecoder.Create(config.Decoder, config.Latent, rng, backend))
    {
    }

    /// <summary>
    /// A VGAE around given encoder modules, as PyG's <c>VGAE(encoder)</c>: any <see cref="IGraphConv"/> layers, with
    /// the pair <paramref name="decoder"/> (null: the inner product). Their parameters are saved under "ea", "conv1",
    /// "conv_mu", "conv_logstd" and "decoder".
    /// </summary>
    public Vgae(EncoderConfig config, int edgeDim, VgaeEncoder encoder, PairDecoder? decoder = null)
    {
        Config = config;
        EdgeDim = edgeDim;
        InputWidth = config.K + (encoder.EdgeAttention is null ? 0 : edgeDim);
        if (encoder.EdgeAttention is { } ea) _ea = RegisterModule("ea", ea);
        _conv1 = Register("conv1", encoder.Conv1);
        _convMu = Register("conv_mu", encoder.ConvMu);
        _convLogStd = Register("conv_logstd", encoder.ConvLogStd);
        if (decoder is not null) Decoder = RegisterModule("decoder", decoder);
    }

    private IGraphConv Register(string name, IGraphConv conv) => conv is Module m
        ? (IGraphConv)RegisterModule(name, m)
        : throw new ArgumentException($"{name}: {conv.GetType().Name} is not a Module (its parameters could not be trained or saved)", nameof(conv));

    /// <summary>The pair decoder, or null for the paper's inner product.</summary>
    public PairDecoder? Decoder { get; }

    /// <summary>Logits of node pairs under this model's decoder, [pairs].</summary>
    public Tensor Logits(Tensor z, int[] source, int[] target) =>
        Decoder is null ? PairLogits(z, source, target) : Decoder.Logits(z, source, target);

    public EncoderConfig Config { get; }
    public int EdgeDim { get; }
    public int InputWidth { get; }

    // A layer that derives structure from the graph (GATConv's self-loops) caches it on the batch's message graph.
    private Tensor Conv(IGraphConv conv, Tensor x, GraphBatch b, Rng? rng) => conv.Forward(x, b.Messages, b.EdgeAttr, rng, null);

    /// <summary>μ and logσ [N, latent] of every node of the batch; <paramref name="rng"/> for training noise and dropout.</summary>
    public (Tensor Mu, Tensor LogStd) Encode(GraphBatch b, Rng? rng = null)
    {
        var x = b.NodeFeatures;
        if (_ea is not null) x = Ops.Concat([x, _ea.Forward(b.EdgeAttr, b.Messages.Target, b.Nodes, rng)], 1);
        var h = Ops.Relu(Conv(_conv1, x, b, rng));
        var mu = Conv(_convMu, h, b, rng);
        var logStd = Ops.ClampMax(Conv(_convLogStd, h, b, rng), 10f);
        return (mu, logStd);
    }

    /// <summary>z = μ + ε·exp(logσ) (ε ~ N(0, 1) from <paramref name="rng"/>).</summary>
    public static Tensor Reparametrize(Tensor mu, Tensor logStd, Rng rng) =>
        mu + rng.NormalTensor(mu.Shape, mu.Backend) * Ops.Exp(logStd);

    /// <summary>The logits z_i·z_j of node pairs, [pairs] (one EdgeDot: the pairs' rows are never gathered).</summary>
    public static Tensor PairLogits(Tensor z, int[] source, int[] target) =>
        Ops.Reshape(Ops.EdgeDot(z, new IndexTensor(source), z, new IndexTensor(target)), [source.Length]);

    /// <summary>
    /// Spec §6's loss and its parts, and the pair logits (for the reconstruction AUC); the pairs are scored by
    /// <paramref name="model"/>'s decoder, or by the inner product when it is null.
    /// </summary>
    public static (Tensor Loss, Tensor Recon, Tensor Kl, Tensor PosLogits, Tensor NegLogits) Loss(Tensor z, Tensor mu, Tensor logStd, GraphBatch b,
        (int[] Source, int[] Target) negatives, Vgae? model = null)
    {
        Func<Tensor, int[], int[], Tensor> logits = model is null ? PairLogits : model.Logits;
        var pos = logits(z, b.PositiveSource, b.PositiveTarget);
        var neg = logits(z, negatives.Source, negatives.Target);
        var posLoss = -Ops.MeanAll(Ops.Log(Ops.AddScalar(Ops.Sigmoid(pos), 1e-15f)));
        var negLoss = -Ops.MeanAll(Ops.Log(Ops.AddScalar(Ops.AddScalar(-Ops.Sigmoid(neg), 1f), 1e-15f))); // (1 − p) + ε, in this order as PyG: 1 + 1e-15 is 1 in float32
        var recon = posLoss + negLoss;
        var inner = Ops.AddScalar(logStd * 2f, 1f) - Ops.Square(mu) - Ops.Exp(logStd * 2f);
        var kl = Ops.MeanAll(Ops.Sum(inner, 1)) * -0.5f;
        return (recon + kl * (1f / b.Nodes), recon, kl, pos, neg);
    }

    public override string ToString() =>
        $"Vgae({Config.Label}: {(_ea is not null ? _ea + " → " : "")}{_conv1} → {_convMu} / {_convLogStd}{(Decoder is null ? "" : " → " + Decoder)})";
}

/// <summary>
/// The VGAE's encoder modules (PyG's <c>VGAE(encoder)</c>): the optional Edge-Attention over edge features, the
/// first convolution and the μ and logσ heads.
/// </summary>
public sealed record VgaeEncoder(EdgeAttention? EdgeAttention, IGraphConv Conv1, IGraphConv ConvMu, IGraphConv ConvLogStd)
{
    /// <summary>The encoder a configuration names (spec §4–§6): EA when asked, then TransformerConv or GATConv layers.</summary>
    public static VgaeEncoder Build(EncoderConfig config, int edgeDim, Rng rng, Core.Backends.IBackend? backend = null)
    {
        int input = config.K;
        EdgeAttention? ea = null;
        if (config.EdgeAttention)
        {
            ea = new EdgeAttention(edgeDim, rng, noise: config.EdgeNoise, backend: backend);
            input += edgeDim;
        }
        var kind = GraphLayers.Get(config.Conv);
        IGraphConv Conv(int inWidth, int outWidth, bool concat) =>
            kind.Create(new GraphLayerArgs(inWidth, outWidth, config.Heads, concat, config.AttentionDropout, edgeDim, rng, backend));
        var conv1 = Conv(input, config.Hidden, concat: true);
        int hiddenWidth = config.Hidden * config.Heads; // conv1 concatenates its heads
        return new VgaeEncoder(ea, conv1, Conv(hiddenWidth, config.Latent, concat: false), Conv(hiddenWidth, config.Latent, concat: false));
    }
}
