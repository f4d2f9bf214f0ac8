using StructureReps.Core;
using StructureReps.Core.Memory;
using StructureReps.Core.Backends;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Layers;
using StructureReps.Graphs.Spectral;

namespace StructureReps.Graphs.Encoding;

/// <summary>
/// Several graphs as one disjoint union (spec §6): node ids offset per graph, message edges in both directions
/// (or forward only), the (standardized) edge features, the node features (LF or RF, k columns), the graph of each
/// node for pooling, and the forward edges as the positives of the reconstruction loss.
/// </summary>
public sealed class GraphBatch
{
    public GraphBatch(IReadOnlyList<NetworkGraph> graphs, IReadOnlyList<float[]> nodeFeatures, int k, Func<NetworkGraph, float[]> edgeFeatures,
        bool undirected, IBackend backend)
    {
        Graphs = graphs;
        NodeOffsets = new int[graphs.Count + 1];
        for (int i = 0; i < graphs.Count; i++) NodeOffsets[i + 1] = NodeOffsets[i] + graphs[i].NodeCount;
        int n = NodeOffsets[^1], d = graphs.Count > 0 ? graphs[0].EdgeDim : 1;
        int forward = graphs.Sum(g => g.EdgeCount), messages = undirected ? 2 * forward : forward;
        // Inside a BufferScope (a training or embedding step) these arrays come from the scope's pool: every full
        // batch of a zoo has the same sizes, so after the first step the batch allocates no large arrays.
        var src = BufferScope.HostInts(messages, zeroed: false);
        var dst = BufferScope.HostInts(messages, zeroed: false);
        var attr = BufferScope.HostFloats(messages * d, zeroed: false);
        PositiveSource = BufferScope.HostInts(forward, zeroed: false);
        PositiveTarget = BufferScope.HostInts(forward, zeroed: false);
        var graphOf = BufferScope.HostInts(n, zeroed: false);
        var x = BufferScope.HostFloats(n * k, zeroed: false);
        int eo = 0;
        for (int i = 0; i < graphs.Count; i++)
        {
            var g = graphs[i];
            if (g.EdgeDim != d) throw new ArgumentException($"graph {i} has edge width {g.EdgeDim}, the batch {d}: one zoo, one width");
            int off = NodeOffsets[i];
            var features = edgeFeatures(g);
            for (int e = 0; e < g.EdgeCount; e++, eo++)
            {
                int s = g.Topology.Source[e] + off, t = g.Topology.Target[e] + off;
                PositiveSource[eo] = s;
                PositiveTarget[eo] = t;
                src[eo] = s; dst[eo] = t;
                Array.Copy(features, e * d, attr, eo * d, d);
                if (undirected)
                {
                    src[forward + eo] = t; dst[forward + eo] = s;
                    Array.Copy(features, e * d, attr, (forward + eo) * d, d);
                }
            }
            for (int v = 0; v < g.NodeCount; v++) graphOf[off + v] = i;
            Array.Copy(nodeFeatures[i], 0, x, off * k, g.NodeCount * k);
        }
        Messages = new MessageGraph(n, src, dst);
        EdgeAttr = Tensor.From(attr, [messages, d], backend);
        NodeFeatures = Tensor.From(x, [n, k], backend);
        GraphOf = new IndexTensor(graphOf);
    }

    public IReadOnlyList<NetworkGraph> Graphs { get; }
    public int[] NodeOffsets { get; }
    public int Nodes => NodeOffsets[^1];
    public MessageGraph Messages { get; }
    public Tensor EdgeAttr { get; }
    public Tensor NodeFeatures { get; }
    public IndexTensor GraphOf { get; }
    public int[] PositiveSource { get; }
    public int[] PositiveTarget { get; }

    /// <summary>The self-loop graph GATConv layers share (built on first use).</summary>
    public SelfLoopCache SelfLoops => Messages.Derived(static m => new SelfLoopCache(m));

    /// <summary>
    /// As many negative pairs as positives, drawn within each graph: two distinct nodes that no edge joins (in a
    /// layered network, nodes not in adjacent layers), seeded by <paramref name="rng"/>.
    /// </summary>
    public (int[] Source, int[] Target) SampleNegatives(Rng rng)
    {
        if (_custom is { } c) return c.SampleNegatives(rng);
        var src = BufferScope.HostInts(PositiveSource.Length, zeroed: false);
        var dst = BufferScope.HostInts(PositiveSource.Length, zeroed: false);
        int o = 0;
        for (int i = 0; i < Graphs.Count; i++)
        {
            var g = Graphs[i];
            var layer = g.Topology.NodeLayer;
            int n = g.NodeCount, off = NodeOffsets[i];
            if (g.Topology.LayerSizes.All(s => s == 1) && g.Topology.LayerSizes.Length <= 2)
                throw new InvalidOperationException($"graph {g}: every node pair is an edge; no negatives can be drawn");
            for (int e = 0; e < g.EdgeCount; e++, o++)
            {
                int u, v;
                do { u = rng.NextInt(n); v = rng.NextInt(n); }
                while (u == v || Math.Abs(layer[u] - layer[v]) == 1);
                src[o] = u + off;
                dst[o] = v + off;
            }
        }
        return (src, dst);
    }

    private readonly EdgeListNegatives? _custom;

    /// <summary>
    /// A batch of one arbitrary graph (not a network): message edges as given, positives = those edges, negatives
    /// = node pairs that are not edges. For tests and for users' own graphs.
    /// </summary>
    public GraphBatch(int nodes, int[] source, int[] target, float[] edgeAttr, int edgeDim, float[] nodeFeatures, int k, IBackend backend)
    {
        Graphs = [];
        NodeOffsets = [0, nodes];
        Messages = new MessageGraph(nodes, source, target);
        EdgeAttr = Tensor.From(edgeAttr, [source.Length, edgeDim], backend);
        NodeFeatures = Tensor.From(nodeFeatures, [nodes, k], backend);
        GraphOf = new IndexTensor(new int[nodes]);
        PositiveSource = source;
        PositiveTarget = target;
        _custom = new EdgeListNegatives(nodes, source, target);
    }

    private sealed class EdgeListNegatives(int nodes, int[] source, int[] target)
    {
        private readonly HashSet<long> _edges = source.Zip(target, (s, t) => (long)Math.Min(s, t) * nodes + Math.Max(s, t)).ToHashSet();

        public (int[] Source, int[] Target) SampleNegatives(Rng rng)
        {
            var src = new int[source.Length];
            var dst = new int[source.Length];
            for (int e = 0; e < src.Length; e++)
            {
                int u, v;
                do { u = rng.NextInt(nodes); v = rng.NextInt(nodes); }
                while (u == v || _edges.Contains((long)Math.Min(u, v) * nodes + Math.Max(u, v)));
                (src[e], dst[e]) = (u, v);
            }
            return (src, dst);
        }
    }

    /// <summary>
    /// A graph's input node features for <paramref name="config"/>: LF (signs flipped by <paramref name="flips"/>
    /// in training, canonical at inference) or RF (the same for every graph of a node count, kept in <paramref name="rfCache"/>).
    /// </summary>
    public static float[] InputFeatures(EncoderConfig config, NetworkGraph g, Rng? flips, Dictionary<int, float[]> rfCache) => config.Features switch
    {
        NodeFeatureKind.Laplacian => LfFeatures(g, config.K, flips),
        NodeFeatureKind.Random => RfFeatures(g.NodeCount, config.K, rfCache),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config.Features, "node features"),
    };

    private static float[] RfFeatures(int nodes, int k, Dictionary<int, float[]> cache)
    {
        lock (cache)
        {
            if (!cache.TryGetValue(nodes, out var f)) cache[nodes] = f = Features.RandomFeatures.Compute(nodes, k);
            return f;
        }
    }

    /// <summary>LF features of a graph for one epoch: its canonical PE with random sign flips (training) or as stored (inference).</summary>
    public static float[] LfFeatures(NetworkGraph g, int k, Rng? flips)
    {
        var pe = g.PositionalEncoding ?? throw new InvalidOperationException($"{g}: no LF features (build graphs with `graphs build`)");
        if (pe.Length != g.NodeCount * k)
            throw new InvalidOperationException($"run {g.Targets.Run}, epoch {g.Targets.Epoch}: its graph has {pe.Length / Math.Max(1, g.NodeCount)} Laplacian features per node, " +
                $"the encoder takes k = {k} (build the graphs with k = {k}, or train an encoder on these)").With(Remedy.OtherFeatureWidth);
        return flips is null ? pe : LaplacianPe.RandomSignFlip(pe, g.NodeCount, k, flips);
    }
}
