using StructureReps.Core;
using StructureReps.Core.Backends.Reference;
using StructureReps.Graphs.Layers;
using StructureReps.Tests.Support;

namespace StructureReps.Tests.Graphs;

/// <summary>Gradient checks and invariants of the graph layers on a small random graph with awkward structure.</summary>
public class GraphLayerTests
{
    private static readonly Core.Backends.IBackend Ref = ReferenceBackend.Instance;

    /// <summary>
    /// 6 nodes: node 0 has no in-edge, node 5 receives from everyone, 1 → 2 appears twice (a multi-edge), and
    /// node 3 has a self-loop (which GATConv replaces).
    /// </summary>
    internal static MessageGraph AwkwardGraph() => new(6,
        [1, 1, 0, 2, 3, 0, 1, 2, 3, 4, 3, 4],
        [2, 2, 1, 3, 3, 5, 5, 5, 5, 5, 4, 1]);

    private static Tensor Random(int[] shape, ulong seed, double scale = 1) =>
        Tensor.FromDouble(new Rng(seed).NormalArray(Shapes.Count(shape), 0, scale).Select(v => (double)v).ToArray(), shape, Ref);

    private static Func<Tensor> Weighted(Func<Tensor> f, int[] shape, ulong seed)
    {
        var w = Random(shape, seed);
        return () => Ops.SumAll(f() * w);
    }

    [Fact]
    public void Edge_attention_gradients_match_finite_differences()
    {
        var g = AwkwardGraph();
        var ea = new EdgeAttention(4, new Rng(1), backend: Ref);
        ea.Eval(); // noise off: a deterministic function
        var edges = Random([g.Edges, 4], 2);
        ModuleGradCheck.Check("EdgeAttention", Weighted(() => ea.Forward(edges, g.Target, g.Nodes), [6, 4], 3),
            [.. ea.NamedParameters(), ("edge_attr", edges)]);
    }

    [Theory]
    [InlineData(1, true, false)]
    [InlineData(2, true, true)]
    [InlineData(3, false, false)]
    public void Transformer_conv_gradients_match_finite_differences(int heads, bool concat, bool beta)
    {
        var g = AwkwardGraph();
        var conv = new TransformerConv(5, 3, new Rng(4), heads, concat, beta, edgeDim: 2, backend: Ref);
        var x = Random([6, 5], 5);
        var e = Random([g.Edges, 2], 6);
        ModuleGradCheck.Check(conv.ToString(), Weighted(() => conv.Forward(x, g, e), [6, conv.OutWidth], 7),
            [.. conv.NamedParameters(), ("x", x), ("edge_attr", e)]);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(2, false)]
    public void Gat_conv_gradients_match_finite_differences(int heads, bool concat)
    {
        var g = AwkwardGraph();
        var conv = new GatConv(5, 3, new Rng(8), heads, concat, edgeDim: 2, backend: Ref);
        var x = Random([6, 5], 9);
        var e = Random([g.Edges, 2], 10);
        ModuleGradCheck.Check(conv.ToString(), Weighted(() => conv.Forward(x, g, e), [6, conv.OutWidth], 11),
            [.. conv.NamedParameters(), ("x", x), ("edge_attr", e)]);
    }

    [Fact]
    public void Attention_weights_lie_in_0_1_and_sum_to_1_per_target_with_edges()
    {
        var g = AwkwardGraph();
        var x = Random([6, 5], 12);
        var e = Random([g.Edges, 2], 13);
        new TransformerConv(5, 3, new Rng(1), heads: 2, edgeDim: 2, backend: Ref).Forward(x, g, e, null, out var tcAlpha);
        var gat = new GatConv(5, 3, new Rng(1), heads: 2, edgeDim: 2, backend: Ref);
        var loops = new SelfLoopCache(g);
        gat.Forward(x, g, e, null, loops, out var gcAlpha);
        foreach (var (alpha, target, name) in new[] { (tcAlpha, g.Target.Values, "TC"), (gcAlpha, loops.Graph.Target.Values, "GC") })
        {
            var a = alpha.ToDoubleArray();
            for (int h = 0; h < 2; h++)
                for (int node = 0; node < 6; node++)
                {
                    var mine = Enumerable.Range(0, target.Length).Where(i => target[i] == node).Select(i => a[i * 2 + h]).ToList();
                    Assert.All(mine, v => Assert.InRange(v, 0, 1));
                    if (mine.Count > 0) Assert.Equal(1.0, mine.Sum(), 12);
                    else Assert.Equal("TC", name); // GATConv gives every node a self-loop
                }
        }
        // GAT: the self-loop of node 3 replaced, one loop per node added.
        Assert.Equal(g.Edges - 1 + 6, loops.Graph.Edges);
    }

    [Fact]
    public void A_node_without_in_edges_gets_only_its_root_term_in_transformer_conv()
    {
        var g = AwkwardGraph();
        var conv = new TransformerConv(5, 3, new Rng(4), edgeDim: 2, backend: Ref);
        var x = Random([6, 5], 5);
        var y = conv.Forward(x, g, Random([g.Edges, 2], 6)).ToDoubleArray();
        var skip = conv.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.ToDoubleArray());
        var xs = x.ToDoubleArray();
        for (int o = 0; o < 3; o++)
        {
            double r = skip["lin_skip.bias"][o];
            for (int i = 0; i < 5; i++) r += skip["lin_skip.weight"][o * 5 + i] * xs[i]; // node 0's row
            Assert.Equal(r, y[o], 12);
        }
    }

    [Fact]
    public void Permuting_the_nodes_permutes_the_outputs()
    {
        var g = AwkwardGraph();
        var perm = new[] { 3, 5, 0, 4, 1, 2 }; // old node i becomes perm[i]
        var pg = new MessageGraph(6, g.Source.Values.Select(s => perm[s]).ToArray(), g.Target.Values.Select(t => perm[t]).ToArray());
        var x = Random([6, 5], 21).ToDoubleArray();
        var px = new double[30];
        for (int i = 0; i < 6; i++) Array.Copy(x, i * 5, px, perm[i] * 5, 5);
        var e = Random([g.Edges, 2], 22);
        var tc = new TransformerConv(5, 3, new Rng(4), heads: 2, edgeDim: 2, backend: Ref);
        var gc = new GatConv(5, 3, new Rng(4), heads: 2, edgeDim: 2, backend: Ref);
        foreach (var f in new Func<MessageGraph, Tensor, Tensor>[] { (gr, xx) => tc.Forward(xx, gr, e), (gr, xx) => gc.Forward(xx, gr, e) })
        {
            var y = f(g, Tensor.FromDouble(x, [6, 5], Ref)).ToDoubleArray();
            var py = f(pg, Tensor.FromDouble(px, [6, 5], Ref)).ToDoubleArray();
            int w = y.Length / 6;
            for (int i = 0; i < 6; i++)
                for (int c = 0; c < w; c++) Assert.Equal(y[i * w + c], py[perm[i] * w + c], 12);
        }
    }

    [Fact]
    public void Layers_print_like_pyg()
    {
        Assert.Equal("TransformerConv(24, 32, heads=2, edge_dim=9)", new TransformerConv(24, 32, new Rng(0), heads: 2, edgeDim: 9).ToString());
        Assert.Equal("GATConv(9, 32, heads=1, edge_dim=9)", new GatConv(9, 32, new Rng(0), edgeDim: 9).ToString());
        Assert.Equal("EdgeAttention(9, hidden=16, proj=16, noise=0.1)", new EdgeAttention(9, new Rng(0)).ToString());
    }
}
