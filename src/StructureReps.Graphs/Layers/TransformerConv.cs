using StructureReps.Core;
using StructureReps.Nn.Modules;

namespace StructureReps.Graphs.Layers;

/// <summary>
/// The graph transformer operator (Shi et al. 2021) with PyG's semantics (spec §5), for edges j → i:
/// <code>
///   ê_ji   = W_e a_ji                                   (no bias; only with edge features)
///   α_ji   = softmax_i( ⟨W_q x_i, W_k x_j + ê_ji⟩ / √C )  per head (max-shifted, +1e-16), dropout on α
///   out_i  = Σ_j α_ji (W_v x_j + ê_ji)                  heads concatenated [N, H·C] or averaged [N, C]
///   r_i    = W_s x_i                                    (root weight)
///   x'_i   = β_i r_i + (1 − β_i) out_i,  β_i = σ(w_β·[out_i ‖ r_i ‖ out_i − r_i])   (beta gating)
///   x'_i   = out_i + r_i                                (without beta)
/// </code>
/// W_q, W_k, W_v, W_s are Linear with bias, U(±1/√fan_in); no self-loops are added.
/// </summary>
public sealed class TransformerConv : Module, IGraphConv
{
    private readonly Linear _query, _key, _value, _skip;
    private readonly Linear? _edge, _beta;

    public TransformerConv(int inChannels, int outChannels, Rng rng, int heads = 1, bool concat = true, bool beta = false,
        float dropout = 0, int? edgeDim = null, bool rootWeight = true, Core.Backends.IBackend? backend = null)
    {
        (InChannels, OutChannels, Heads, Concat, Dropout, EdgeDim) = (inChannels, outChannels, heads, concat, dropout, edgeDim);
        int hc = heads * outChannels;
        _key = RegisterModule("lin_key", new Linear(inChannels, hc, rng, backend: backend));
        _query = RegisterModule("lin_query", new Linear(inChannels, hc, rng, backend: backend));
        _value = RegisterModule("lin_value", new Linear(inChannels, hc, rng, backend: backend));
        if (edgeDim is int d) _edge = RegisterModule("lin_edge", new Linear(d, hc, rng, bias: false, backend: backend));
        int outWidth = concat ? hc : outChannels;
        _skip = RegisterModule("lin_skip", new Linear(inChannels, outWidth, rng, backend: backend));
        RootWeight = rootWeight;
        if (beta) _beta = RegisterModule("lin_beta", new Linear(3 * outWidth, 1, rng, bias: false, backend: backend));
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int Heads { get; }
    public bool Concat { get; }
    public float Dropout { get; }
    public int? EdgeDim { get; }
    public bool RootWeight { get; }
    public int OutWidth => Concat ? Heads * OutChannels : OutChannels;

    /// <summary>x [N, in], edge features [E, edgeDim] (when built with one) → [N, OutWidth]; <paramref name="rng"/> for dropout on α.</summary>
    public Tensor Forward(Tensor x, MessageGraph g, Tensor? edgeAttr = null, Rng? rng = null) => Forward(x, g, edgeAttr, rng, out _);

    Tensor IGraphConv.Forward(Tensor x, MessageGraph g, Tensor? edgeAttr, Rng? rng, SelfLoopCache? loops) => Forward(x, g, edgeAttr, rng);

    /// <summary>As <see cref="Forward(Tensor, MessageGraph, Tensor?, Rng?)"/>, also returning the attention weights α [E, H].</summary>
    public Tensor Forward(Tensor x, MessageGraph g, Tensor? edgeAttr, Rng? rng, out Tensor alpha)
    {
        if (x.Rank != 2 || x.Shape[1] != InChannels || x.Shape[0] != g.Nodes)
            throw new ShapeMismatchException($"{this}: x must be [{g.Nodes}, {InChannels}], got {Shapes.Format(x.Shape)}");
        if ((_edge is null) != (edgeAttr is null))
            throw new ShapeMismatchException($"{this}: edge features {(edgeAttr is null ? "missing" : "given to a layer built without edge_dim")}");
        int e = g.Edges, h = Heads, c = OutChannels, d = EdgeDim ?? 0;
        // Computed without the [E, H·C] tensors of the textbook form (q_i, k_j, v_j and ê_ji gathered per edge):
        // ⟨q_i, k_j⟩ is an EdgeDot, ⟨q_i, W_e a⟩ = ⟨W_eᵀ q_i, a⟩ projects q into the edge-feature space per head,
        // Σ α v_j is a WeightedAggregate and Σ α W_e a = W_e Σ α a aggregates the (narrow) edge features instead.
        var q = _query.Forward(x);                                                 // [N, H·C]
        var v = _value.Forward(x);
        var score = Ops.EdgeDot(q, g.Target, _key.Forward(x), g.Source, h);       // [E, H]
        if (_edge is not null)
        {
            var qe = Ops.IndexSelect(PerHead(q, toEdgeFeatures: true), g.Target);   // [E, H·D]
            score = score + Ops.Sum(Ops.Reshape(qe, [e, h, d]) * Ops.Reshape(edgeAttr!, [e, 1, d]), 2);
        }
        score = score * (1f / MathF.Sqrt(c));
        alpha = Ops.SegmentSoftmax(score, g.Target, g.Nodes);
        var a = Dropout > 0 && Training ? Ops.Dropout(alpha, Dropout, rng ?? throw new InvalidOperationException($"{this}: dropout needs an Rng"), true) : alpha;
        var outp = Ops.WeightedAggregate(v, a, g.Source, g.Target, g.Nodes);      // [N, H·C]
        if (_edge is not null)
        {
            var weighted = Ops.Reshape(Ops.Reshape(a, [e, h, 1]) * Ops.Reshape(edgeAttr!, [e, 1, d]), [e, h * d]);
            outp = outp + PerHead(Ops.ScatterAdd(weighted, g.Target, g.Nodes), toEdgeFeatures: false);
        }
        if (!Concat) outp = h == 1 ? outp : Ops.Mean(Ops.Reshape(outp, [g.Nodes, h, c]), 1);
        if (!RootWeight) return outp;
        var r = _skip.Forward(x);
        if (_beta is null) return outp + r;
        var b = Ops.Sigmoid(_beta.Forward(Ops.Concat([outp, r, outp - r], 1)));   // [N, 1]
        return b * r + (Ops.AddScalar(-b, 1f)) * outp;
    }

    /// <summary>
    /// Per head h, with W_h = rows h·C .. (h+1)·C of lin_edge's weight [H·C, D]: y[n, h] = W_hᵀ x[n, h] (x [N, H·C] →
    /// [N, H·D], into the edge-feature space) or y[n, h] = W_h x[n, h] (x [N, H·D] → [N, H·C], back).
    /// </summary>
    private Tensor PerHead(Tensor x, bool toEdgeFeatures)
    {
        var w = _edge!.Weight;
        int n = x.Shape[0], h = Heads, c = OutChannels, d = EdgeDim!.Value;
        if (h == 1) return Ops.MatMul(x, w, transB: !toEdgeFeatures);
        var perHead = Ops.Permute(Ops.Reshape(x, [n, h, toEdgeFeatures ? c : d]), [1, 0, 2]);   // [H, N, ·]
        var y = Ops.BatchedMatMul(perHead, Ops.Reshape(w, [h, c, d]), transB: !toEdgeFeatures);  // [H, N, ·]
        return Ops.Reshape(Ops.Permute(y, [1, 0, 2]), [n, h * (toEdgeFeatures ? d : c)]);
    }

    public override string ToString() =>
        $"TransformerConv({InChannels}, {OutChannels}, heads={Heads}{(EdgeDim is int d ? $", edge_dim={d}" : "")}{(Concat ? "" : ", concat=False")}{(_beta is not null ? ", beta=True" : "")})";
}
