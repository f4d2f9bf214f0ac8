using StructureReps.Graphs.Features;
using StructureReps.Graphs.Spectral;

namespace StructureReps.Tests.Graphs;

public class LaplacianPeTests
{
    [Fact]
    public void Pe_of_a_path_is_the_second_to_k_plus_first_eigenvectors_with_the_sign_convention()
    {
        int n = 6;
        var r = LaplacianPe.Compute(n, [0, 1, 2, 3, 4], [1, 2, 3, 4, 5], null, new PeOptions { K = 3 });
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(1 - Math.Cos(Math.PI * (c + 1) / 5), r.Eigenvalues[c], 9);
            var col = Enumerable.Range(0, n).Select(i => r.Features[i * 3 + c]).ToArray();
            float max = col.MaxBy(Math.Abs);
            Assert.True(max > 0, $"column {c}: largest-|·| entry {max} must be positive");
            // Unit norm in D^{1/2}-free form: L_sym's eigenvectors are orthonormal.
            Assert.Equal(1.0, col.Sum(v => (double)v * v), 5);
        }
    }

    [Fact]
    public void Isolated_nodes_get_zero_rows_and_small_graphs_are_zero_padded()
    {
        // Nodes 0–1–2 form a path; 3 and 4 have no edge; k = 4 > the 2 non-trivial eigenvectors available.
        var r = LaplacianPe.Compute(5, [0, 1], [1, 2], null, new PeOptions { K = 4 });
        Assert.Equal(5 * 4, r.Features.Length);
        for (int c = 0; c < 4; c++) { Assert.Equal(0f, r.Features[3 * 4 + c]); Assert.Equal(0f, r.Features[4 * 4 + c]); }
        Assert.Equal(1.0, r.Eigenvalues[0], 9);
        Assert.Equal(2.0, r.Eigenvalues[1], 9);
        Assert.True(double.IsNaN(r.Eigenvalues[2]) && double.IsNaN(r.Eigenvalues[3]));
        for (int i = 0; i < 5; i++) { Assert.Equal(0f, r.Features[i * 4 + 2]); Assert.Equal(0f, r.Features[i * 4 + 3]); }
    }

    [Fact]
    public void Zero_weight_edges_leave_a_node_isolated()
    {
        var r = LaplacianPe.Compute(3, [0, 1], [1, 2], [1.0, 0.0], new PeOptions { K = 2 });
        Assert.Equal(0f, r.Features[2 * 2]);
        Assert.Equal(2.0, r.Eigenvalues[0], 9); // the single edge 0–1: spectrum 0, 2
    }

    [Fact]
    public void Dense_and_iterative_pe_agree_when_the_threshold_moves()
    {
        var g = SpectrumTests.RandomLayered([200, 200, 200], 4, seed: 9);
        var dense = LaplacianPe.Compute(g.N, g.Src, g.Dst, g.W, new PeOptions { K = 4 });
        var iterative = LaplacianPe.Compute(g.N, g.Src, g.Dst, g.W, new PeOptions { K = 4, DenseThreshold = 100, Tolerance = 1e-9 });
        Assert.StartsWith("dense", dense.Method);
        Assert.StartsWith("block Lanczos", iterative.Method);
        for (int c = 0; c < 4; c++) Assert.Equal(dense.Eigenvalues[c], iterative.Eigenvalues[c], 8);
        // Distinct eigenvalues and the same sign convention: the same vectors.
        for (int i = 0; i < dense.Features.Length; i++) Assert.Equal(dense.Features[i], iterative.Features[i], 4);
    }

    [Fact]
    public void Sign_flips_are_seeded_and_canonicalize_undoes_them()
    {
        var r = LaplacianPe.Compute(6, [0, 1, 2, 3, 4], [1, 2, 3, 4, 5], null, new PeOptions { K = 3 });
        var a = LaplacianPe.RandomSignFlip(r.Features, 6, 3, new Core.Rng(4));
        var b = LaplacianPe.RandomSignFlip(r.Features, 6, 3, new Core.Rng(4));
        Assert.Equal(a, b);
        var flipsSeen = Enumerable.Range(0, 20).Select(s => LaplacianPe.RandomSignFlip(r.Features, 6, 3, new Core.Rng((ulong)s))).Count(f => !f.SequenceEqual(r.Features));
        Assert.InRange(flipsSeen, 10, 20); // 7/8 of draws flip some column
        LaplacianPe.Canonicalize(a, 6, 3);
        Assert.Equal(r.Features, a);
    }

    [Fact]
    public void Random_features_depend_on_the_node_index_only()
    {
        var small = RandomFeatures.Compute(5, 8);
        var large = RandomFeatures.Compute(50, 8);
        Assert.Equal(small, large[..40]);
        Assert.NotEqual(large[..8], large[8..16]);
        double mean = large.Average(v => (double)v), var = large.Average(v => (double)v * v) - mean * mean;
        Assert.InRange(mean, -0.2, 0.2);
        Assert.InRange(var, 0.75, 1.25);
    }
}
