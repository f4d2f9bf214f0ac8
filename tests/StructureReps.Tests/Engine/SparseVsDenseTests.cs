using StructureReps.Core;
using StructureReps.Core.Backends.Reference;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Engine;

/// <summary>
/// Each sparse op against its dense equivalent on the same data, forward and gradient (PyG's test_softmax_backward):
/// gather and scatter as products with one-hot incidence matrices, segment softmax as a dense row softmax with
/// −∞ at non-edges, segment max as a masked dense max; the fused attention ops (WeightedAggregate, EdgeDot) as the
/// gather-multiply-scatter they replace.
/// </summary>
public sealed class SparseVsDenseTests
{
    private static readonly ReferenceBackend R = ReferenceBackend.Instance;

    // 5 nodes; edges src→dst; node 4 has no in-edges, node 0 has three. No multi-edges (dense cannot hold them).
    private static readonly int[] Src = [1, 2, 3, 0, 2, 0, 4];
    private static readonly int[] Dst = [0, 0, 0, 1, 1, 2, 3];
    private const int N = 5, E = 7, F = 3;

    private static Tensor Leaf(int[] shape, ulong seed)
    {
        var t = Tensor.FromDouble(new Rng(seed).NormalArray(Shapes.Count(shape)).Select(v => (double)v).ToArray(), shape, R);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>One-hot [rows, cols] with a 1 at (index[r], r) when transposed, else (r, index[r]).</summary>
    private static Tensor Incidence(int[] index, int segments, bool bySegment)
    {
        var m = new double[segments * index.Length];
        for (int e = 0; e < index.Length; e++)
            m[bySegment ? index[e] * index.Length + e : e * segments + index[e]] = 1;
        return Tensor.FromDouble(m, bySegment ? [segments, index.Length] : [index.Length, segments], R);
    }

    private static (double[] Y, double[] Dx) ForwardBackward(Tensor x, Func<Tensor, Tensor> f, ulong seed)
    {
        var y = f(x);
        var g = new Rng(seed).NormalArray(y.Length).Select(v => (double)v).ToArray();
        y.Backward(Tensor.FromDouble(g, y.Shape, R));
        var result = (y.ToDoubleArray(), x.Grad!.ToDoubleArray());
        x.ZeroGrad();
        return result;
    }

    private static void Same((double[] Y, double[] Dx) dense, (double[] Y, double[] Dx) sparse, string what)
    {
        Numerics.AssertClose(dense.Y, sparse.Y, 1e-12, 1e-12, what + " forward");
        Numerics.AssertClose(dense.Dx, sparse.Dx, 1e-12, 1e-12, what + " gradient");
    }

    [Fact]
    public void IndexSelect_equals_one_hot_product()
    {
        var x = Leaf([N, F], 1);
        var sparse = ForwardBackward(x, t => Ops.IndexSelect(t, new IndexTensor(Src)), 2);
        var dense = ForwardBackward(x, t => Ops.MatMul(Incidence(Src, N, bySegment: false), t), 2);
        Same(dense, sparse, "IndexSelect");
    }

    [Fact]
    public void ScatterAdd_equals_incidence_product_and_leaves_empty_node_zero()
    {
        var m = Leaf([E, F], 3);
        var sparse = ForwardBackward(m, t => Ops.ScatterAdd(t, new IndexTensor(Dst), N), 4);
        var dense = ForwardBackward(m, t => Ops.MatMul(Incidence(Dst, N, bySegment: true), t), 4);
        Same(dense, sparse, "ScatterAdd");
        Assert.All(sparse.Y.Skip(4 * F), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void SegmentMean_equals_normalized_incidence_product()
    {
        var m = Leaf([E, F], 5);
        var counts = new double[N];
        foreach (int d in Dst) counts[d]++;
        var inc = Incidence(Dst, N, bySegment: true).ToDoubleArray();
        for (int s = 0; s < N; s++)
            for (int e = 0; e < E; e++) inc[s * E + e] /= Math.Max(counts[s], 1);
        var norm = Tensor.FromDouble(inc, [N, E], R);
        var sparse = ForwardBackward(m, t => Ops.SegmentMean(t, new IndexTensor(Dst), N), 6);
        var dense = ForwardBackward(m, t => Ops.MatMul(norm, t), 6);
        Same(dense, sparse, "SegmentMean");
    }

    [Fact]
    public void SegmentSoftmax_equals_dense_softmax_with_minus_infinity_mask()
    {
        var scores = Leaf([E], 7);
        var sparse = ForwardBackward(scores, t => Ops.SegmentSoftmax(t, new IndexTensor(Dst), N), 8);

        // Dense: row i = target, column j = source; non-edges −∞. Softmax per row, then read back the edges.
        var s = scores.ToDoubleArray();
        var g = new Rng(8).NormalArray(E).Select(v => (double)v).ToArray();
        var dense = new double[N, N];
        var gDense = new double[N, N];
        for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) dense[i, j] = double.NegativeInfinity;
        for (int e = 0; e < E; e++) { dense[Dst[e], Src[e]] = s[e]; gDense[Dst[e], Src[e]] = g[e]; }
        var y = new double[E];
        var dx = new double[E];
        for (int i = 0; i < N; i++)
        {
            double max = double.NegativeInfinity, sum = 0, dot = 0;
            for (int j = 0; j < N; j++) max = Math.Max(max, dense[i, j]);
            if (double.IsNegativeInfinity(max)) continue; // a node with no in-edges has no attention row
            var p = new double[N];
            for (int j = 0; j < N; j++) sum += p[j] = Math.Exp(dense[i, j] - max);
            for (int j = 0; j < N; j++) { p[j] /= sum; dot += p[j] * gDense[i, j]; }
            for (int e = 0; e < E; e++)
                if (Dst[e] == i)
                {
                    y[e] = p[Src[e]];
                    dx[e] = p[Src[e]] * (g[e] - dot); // softmax Jacobian-vector product, dense row
                }
        }
        Numerics.AssertClose(y, sparse.Y, 1e-12, 1e-14, "SegmentSoftmax forward");
        Numerics.AssertClose(dx, sparse.Dx, 1e-12, 1e-14, "SegmentSoftmax gradient");
        for (int i = 0; i < 4; i++)
            Assert.Equal(1.0, Enumerable.Range(0, E).Where(e => Dst[e] == i).Sum(e => sparse.Y[e]), 12);
    }

    [Fact]
    public void SegmentMax_equals_masked_dense_max_and_gives_zero_for_empty_segments()
    {
        var m = Leaf([E, F], 9);
        var sparse = ForwardBackward(m, t => Ops.SegmentMax(t, new IndexTensor(Dst), N), 10);
        var v = m.ToDoubleArray();
        var g = new Rng(10).NormalArray(N * F).Select(x => (double)x).ToArray();
        var y = new double[N * F];
        var dx = new double[E * F];
        for (int s = 0; s < N; s++)
            for (int c = 0; c < F; c++)
            {
                int best = -1;
                for (int e = 0; e < E; e++)
                    if (Dst[e] == s && (best < 0 || v[e * F + c] > v[best * F + c])) best = e;
                y[s * F + c] = best < 0 ? 0 : v[best * F + c];
                if (best >= 0) dx[best * F + c] += g[s * F + c];
            }
        Numerics.AssertClose(y, sparse.Y, 0, 0, "SegmentMax forward");
        Numerics.AssertClose(dx, sparse.Dx, 0, 0, "SegmentMax gradient");
    }

    /// <summary>Forward and both input gradients of a two-input function under one seeded output gradient.</summary>
    private static double[][] ForwardBackward2(Tensor a, Tensor b, Func<Tensor, Tensor, Tensor> f, ulong seed)
    {
        var y = f(a, b);
        y.Backward(Tensor.FromDouble(new Rng(seed).NormalArray(y.Length).Select(v => (double)v).ToArray(), y.Shape, R));
        var result = new[] { y.ToDoubleArray(), a.Grad!.ToDoubleArray(), b.Grad!.ToDoubleArray() };
        a.ZeroGrad();
        b.ZeroGrad();
        return result;
    }

    private static void Same(double[][] composed, double[][] fused, string what)
    {
        string[] parts = ["forward", "gradient of the first input", "gradient of the second input"];
        for (int i = 0; i < parts.Length; i++) Numerics.AssertClose(composed[i], fused[i], 1e-12, 1e-12, $"{what} {parts[i]}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void WeightedAggregate_equals_gather_multiply_scatter(int heads)
    {
        int c = 3;
        var x = Leaf([N, heads * c], 21);
        var w = Leaf([E, heads], 22);
        IndexTensor src = new(Src), dst = new(Dst);
        var fused = ForwardBackward2(x, w, (a, b) => Ops.WeightedAggregate(a, b, src, dst, N), 23);
        var composed = ForwardBackward2(x, w, (a, b) => Ops.ScatterAdd(
            Ops.Reshape(Ops.Reshape(Ops.IndexSelect(a, src), [E, heads, c]) * Ops.Reshape(b, [E, heads, 1]), [E, heads * c]), dst, N), 23);
        Same(composed, fused, $"WeightedAggregate ({heads} heads)");
        Assert.All(fused[0].Skip(4 * heads * c), v => Assert.Equal(0.0, v)); // node 4 has no in-edges
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void EdgeDot_equals_gathered_rows_multiplied_and_summed(int heads)
    {
        int c = 3;
        var q = Leaf([N, heads * c], 24);
        var k = Leaf([N, heads * c], 25);
        IndexTensor src = new(Src), dst = new(Dst);
        var fused = ForwardBackward2(q, k, (a, b) => Ops.EdgeDot(a, dst, b, src, heads), 26);
        var composed = ForwardBackward2(q, k, (a, b) =>
            Ops.Sum(Ops.Reshape(Ops.IndexSelect(a, dst) * Ops.IndexSelect(b, src), [E, heads, c]), 2), 26);
        Same(composed, fused, $"EdgeDot ({heads} heads)");
    }

    [Fact]
    public void Segment_ops_on_a_graph_without_edges_give_zeros()
    {
        var none = new IndexTensor([]);
        var src = Leaf([0, 2], 11);
        foreach (var op in new Func<Tensor, Tensor>[]
                 { t => Ops.ScatterAdd(t, none, 3), t => Ops.SegmentMean(t, none, 3), t => Ops.SegmentMax(t, none, 3) })
        {
            var y = op(src);
            Assert.Equal([3, 2], y.Shape);
            Assert.All(y.ToDoubleArray(), v => Assert.Equal(0.0, v));
        }
        Assert.Empty(Ops.SegmentSoftmax(Leaf([0], 12), none, 3).ToDoubleArray());
    }

    [Fact]
    public void Csr_is_sorted_by_segment_stable_and_balanced_by_elements()
    {
        var seg = new IndexTensor(Dst).Segments(N);
        Assert.Equal([0, 3, 5, 6, 7, 7], seg.Ptr);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], seg.Order);
        var skewed = Core.Sparse.SegmentIndex.Build([0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6], 8);
        var bounds = skewed.Partition(2);
        Assert.Equal([0, 1, 8], bounds); // segment 0 alone holds half the elements
    }
}
