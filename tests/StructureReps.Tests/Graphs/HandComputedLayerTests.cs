using StructureReps.Core;
using StructureReps.Core.Backends.Reference;
using StructureReps.Graphs.Layers;
using StructureReps.Nn.Modules;

namespace StructureReps.Tests.Graphs;

/// <summary>
/// The layers on a 3-node graph with hand-set weights, against values worked out by hand (the arithmetic is in
/// the comments). Edges: 0 → 2 and 1 → 2 (node 2 has two in-edges; nodes 0 and 1 none). One channel, one head.
/// </summary>
public class HandComputedLayerTests
{
    private static readonly Core.Backends.IBackend Ref = ReferenceBackend.Instance;
    private static readonly MessageGraph G = new(3, [0, 1], [2, 2]);

    private static void Set(Module m, string name, params double[] values) =>
        m.NamedParameters().Single(p => p.Name == name).Tensor.Data.WriteDouble(values);

    [Fact]
    public void Transformer_conv_on_three_nodes()
    {
        // x = [1, 2, 3]; W_q = W_k = W_v = W_s = 1, biases 0; edge features a = [1, −1], W_e = 0.5.
        var conv = new TransformerConv(1, 1, new Rng(0), edgeDim: 1, backend: Ref);
        foreach (var n in new[] { "lin_query", "lin_key", "lin_value", "lin_skip" })
        {
            Set(conv, n + ".weight", 1);
            Set(conv, n + ".bias", 0);
        }
        Set(conv, "lin_edge.weight", 0.5);
        var y = conv.Forward(Tensor.FromDouble([1, 2, 3], [3, 1], Ref), G, Tensor.FromDouble([1, -1], [2, 1], Ref)).ToDoubleArray();
        // Node 2: q = 3. Edge 0→2: ê = 0.5, k = 1 + 0.5 = 1.5, score = 3·1.5/√1 = 4.5, v = 1 + 0.5 = 1.5.
        //         Edge 1→2: ê = −0.5, k = 2 − 0.5 = 1.5, score = 4.5, v = 2 − 0.5 = 1.5.
        // Equal scores → α = ½ each; out = ½·1.5 + ½·1.5 = 1.5; root term x_2 = 3 → 4.5.
        // Nodes 0 and 1 receive nothing: out = 0, root term → 1 and 2.
        Assert.Equal(1.0, y[0], 12);
        Assert.Equal(2.0, y[1], 12);
        Assert.Equal(4.5, y[2], 12);

        // With a = [2, 0] instead: edge 0→2: ê = 1, k = 2, score = 6, v = 2; edge 1→2: ê = 0, k = 2, score = 6, v = 2.
        // Change W_k to 2 for unequal scores: edge 0→2: k = 2·1 + 1 = 3, score 9; edge 1→2: k = 2·2 + 0 = 4, score 12.
        // α = softmax(9, 12) = (1/(1+e³), e³/(1+e³)) = (0.0474259, 0.9525741); v = (1 + 1, 2 + 0) = (2, 2) → out = 2;
        // plus root 3 → 5.
        Set(conv, "lin_key.weight", 2);
        y = conv.Forward(Tensor.FromDouble([1, 2, 3], [3, 1], Ref), G, Tensor.FromDouble([2, 0], [2, 1], Ref), null, out var alpha).ToDoubleArray();
        Assert.Equal(5.0, y[2], 12);
        Assert.Equal(1 / (1 + Math.Exp(3)), alpha.ToDoubleArray()[0], 12);
    }

    [Fact]
    public void Gat_conv_on_three_nodes()
    {
        // x = [1, 2, 3]; W = 1; a_src = 1, a_dst = 0.5; edge features a = [1, 3], W_e = 1, a_e = 1; bias 0.1.
        var conv = new GatConv(1, 1, new Rng(0), edgeDim: 1, backend: Ref);
        Set(conv, "lin.weight", 1);
        Set(conv, "att_src", 1);
        Set(conv, "att_dst", 0.5);
        Set(conv, "lin_edge.weight", 1);
        Set(conv, "att_edge", 1);
        Set(conv, "bias", 0.1);
        var y = conv.Forward(Tensor.FromDouble([1, 2, 3], [3, 1], Ref), G, Tensor.FromDouble([1, 3], [2, 1], Ref)).ToDoubleArray();
        // Self-loops with the mean incoming edge feature: node 2 gets (1 + 3)/2 = 2; nodes 0, 1 (no in-edges) get 0.
        // Node 2's edges: 0→2: 1·1 + 0.5·3 + 1 = 3.5; 1→2: 2 + 1.5 + 3 = 6.5; 2→2: 3 + 1.5 + 2 = 6.5 (LeakyReLU keeps them).
        // α = e^{3.5}, e^{6.5}, e^{6.5} normalized: e^{−3}/(e^{−3} + 2) = 0.0243270, and 0.4878365 twice.
        // out_2 = 0.0243270·1 + 0.4878365·2 + 0.4878365·3 + 0.1.
        double a0 = Math.Exp(-3) / (Math.Exp(-3) + 2), a1 = 1 / (Math.Exp(-3) + 2);
        Assert.Equal(a0 * 1 + a1 * 2 + a1 * 3 + 0.1, y[2], 12);
        // Node 0 has only its self-loop: α = 1, out = x_0 + bias = 1.1; node 1: 2.1.
        Assert.Equal(1.1, y[0], 12);
        Assert.Equal(2.1, y[1], 12);
    }

    [Fact]
    public void Edge_attention_on_three_nodes()
    {
        // Equal scores make α = ½ whatever Θ: set Θ_lin = 0, so p = b_lin and every edge scores the same.
        var ea = new EdgeAttention(1, new Rng(0), backend: Ref);
        ea.Eval();
        Set(ea, "lin.weight", new double[16 * (16 + 2)]);
        var y = ea.Forward(Tensor.FromDouble([1, 3], [2, 1], Ref), G.Target, 3).ToDoubleArray();
        // x'_2 = ½·1 + ½·3 = 2; nodes 0 and 1 have no edge → 0.
        Assert.Equal([0.0, 0.0, 2.0], y);
    }
}
