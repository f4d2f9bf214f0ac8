using StructureReps.Core;
using StructureReps.Nn;
using StructureReps.Nn.Modules;

namespace StructureReps.Graphs.Layers;

/// <summary>
/// The graph attention operator (Veličković et al. 2018) with PyG's semantics (spec §5), for edges j → i:
/// <code>
///   x'      = W x                                                     (no bias, glorot)
///   e_ji    = a_src·x'_j + a_dst·x'_i + a_e·(W_e a_ji)                per head (the edge term with edge features)
///   α_ji    = softmax_i( LeakyReLU(e_ji, 0.2) ), dropout on α
///   out_i   = Σ_j α_ji x'_j   (heads concatenated or averaged), then + bias (zeros at init)
/// </code>
/// Self-loops are added (existing ones removed first) with edge feature = the mean of the node's incoming edge
/// features (PyG's fill_value='mean'; 0 for a node with none). Edge features enter the attention only.
/// </summary>
public sealed class GatConv : Module, IGraphConv
{
    private readonly Linear _lin;
    private readonly Linear? _edge;

    public GatConv(int inChannels, int outChannels, Rng rng, int heads = 1, bool concat = true, float dropout = 0,
        int? edgeDim = null, Core.Backends.IBackend? backend = null)
    {
        (InChannels, OutChannels, Heads, Concat, Dropout, EdgeDim) = (inChannels, outChannels, heads, concat, dropout, edgeDim);
        int hc = heads * outChannels;
        _lin = RegisterModule("lin", new Linear(inChannels, hc, rng, bias: false, backend: backend));
        _lin.Weight.Data.Write(Init.GlorotUniform([hc, inChannels], inChannels, hc, rng).ToArray());
        AttSrc = RegisterParameter("att_src", Init.GlorotUniform([heads, outChannels], heads, outChannels, rng, backend));
        AttDst = RegisterParameter("att_dst", Init.GlorotUniform([heads, outChannels], heads, outChannels, rng, backend));
        if (edgeDim is int d)
        {
            _edge = RegisterModule("lin_edge", new Linear(d, hc, rng, bias: false, backend: backend));
            _edge.Weight.Data.Write(Init.GlorotUniform([hc, d], d, hc, rng).ToArray());
            AttEdge = RegisterParameter("att_edge", Init.GlorotUniform([heads, outChannels], heads, outChannels, rng, backend));
        }
        Bias = RegisterParameter("bias", Init.Zeros([concat ? hc : outChannels], backend));
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int Heads { get; }
    public bool Concat { get; }
    public float Dropout { get; }
    public int? EdgeDim { get; }
    public Tensor AttSrc { get; }
    public Tensor AttDst { get; }
    public Tensor? AttEdge { get; }
    public Tensor Bias { get; }
    public int OutWidth => Concat ? Heads * OutChannels : OutChannels;

    /// <summary>The graph with self-loops (existing ones removed) and its edge features with mean-filled loops; cache per graph.</summary>
    public static (MessageGraph Graph, int[] KeptEdges) WithSelfLoops(MessageGraph g)
    {
        int[] source = g.Source.Values, target = g.Target.Values;
        int keptCount = 0;
        for (int e = 0; e < g.Edges; e++) if (source[e] != target[e]) keptCount++;
        // Arrays that live as long as the graph's own (a training batch's are its step's).
        int[] Ints(int n) => Core.Memory.BufferScope.HostIntsLike(source, n, zeroed: false);
        var kept = Ints(keptCount);
        var src = Ints(keptCount + g.Nodes);
        var dst = Ints(keptCount + g.Nodes);
        for (int e = 0, i = 0; e < g.Edges; e++)
            if (source[e] != target[e]) { kept[i] = e; src[i] = source[e]; dst[i] = target[e]; i++; }
        for (int v = 0; v < g.Nodes; v++) { src[keptCount + v] = v; dst[keptCount + v] = v; }
        return (new MessageGraph(g.Nodes, src, dst), kept);
    }

    /// <summary>x [N, in] and edge features [E, edgeDim] on <paramref name="g"/> (without self-loops) → [N, OutWidth].</summary>
    public Tensor Forward(Tensor x, MessageGraph g, Tensor? edgeAttr = null, Rng? rng = null, SelfLoopCache? loops = null) =>
        Forward(x, g, edgeAttr, rng, loops, out _);

    public Tensor Forward(Tensor x, MessageGraph g, Tensor? edgeAttr, Rng? rng, SelfLoopCache? loops, out Tensor alpha)
    {
        if (x.Rank != 2 || x.Shape[1] != InChannels || x.Shape[0] != g.Nodes)
            throw new ShapeMismatchException($"{this}: x must be [{g.Nodes}, {InChannels}], got {Shapes.Format(x.Shape)}");
        if ((_edge is null) != (edgeAttr is null))
            throw new ShapeMismatchException($"{this}: edge features {(edgeAttr is null ? "missing" : "given to a layer built without edge_dim")}");
        loops ??= g.Derived(static m => new SelfLoopCache(m));
        var lg = loops.Graph;
        int n = g.Nodes, h = Heads, c = OutChannels;
        var xp = _lin.Forward(x);                                                  // [N, H·C]
        var x3 = Ops.Reshape(xp, [n, h, c]);
        var aSrc = Ops.Sum(x3 * AttSrc, 2);                                        // [N, H]
        var aDst = Ops.Sum(x3 * AttDst, 2);
        var logits = Ops.IndexSelect(aSrc, lg.Source) + Ops.IndexSelect(aDst, lg.Target); // [E', H]
        if (_edge is not null)
        {
            var kept = loops.KeptEdges.Length == g.Edges ? edgeAttr! : Ops.IndexSelect(edgeAttr!, loops.Kept);
            var fill = Ops.SegmentMean(kept, loops.KeptTarget, n);                 // mean of incoming edge features
            var withLoops = Ops.Concat([kept, fill], 0);
            // a_e·(W_e a) per head = a·(W_eᵀ a_e): a [D, H] projection instead of the [E', H·C] edge embeddings.
            var edgeAtt = Ops.Sum(Ops.Reshape(_edge.Weight, [h, c, EdgeDim!.Value]) * Ops.Reshape(AttEdge!, [h, c, 1]), 1); // [H, D]
            logits = logits + Ops.MatMul(withLoops, edgeAtt, transB: true);
        }
        alpha = Ops.SegmentSoftmax(Ops.LeakyRelu(logits, 0.2f), lg.Target, n);   // [E', H]
        var a = Dropout > 0 && Training ? Ops.Dropout(alpha, Dropout, rng ?? throw new InvalidOperationException($"{this}: dropout needs an Rng"), true) : alpha;
        var outp = Ops.WeightedAggregate(xp, a, lg.Source, lg.Target, n);         // Σ_j α_ji x'_j, [N, H·C]
        if (!Concat && h > 1) outp = Ops.Mean(Ops.Reshape(outp, [n, h, c]), 1);
        return outp + Bias;
    }

    public override string ToString() =>
        $"GATConv({InChannels}, {OutChannels}, heads={Heads}{(EdgeDim is int d ? $", edge_dim={d}" : "")}{(Concat ? "" : ", concat=False")})";
}

/// <summary>A graph's self-loop version for <see cref="GatConv"/>, built once per graph (or batch) and reused by every layer and epoch.</summary>
public sealed class SelfLoopCache
{
    public SelfLoopCache(MessageGraph g)
    {
        (Graph, KeptEdges) = GatConv.WithSelfLoops(g);
        Kept = new IndexTensor(KeptEdges);
        var keptTarget = Core.Memory.BufferScope.HostIntsLike(KeptEdges, KeptEdges.Length, zeroed: false);
        for (int i = 0; i < keptTarget.Length; i++) keptTarget[i] = g.Target.Values[KeptEdges[i]];
        KeptTarget = new IndexTensor(keptTarget);
    }

    public MessageGraph Graph { get; }
    public int[] KeptEdges { get; }
    public IndexTensor Kept { get; }
    public IndexTensor KeptTarget { get; }
}
