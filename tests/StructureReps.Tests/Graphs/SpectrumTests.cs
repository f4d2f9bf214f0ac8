using StructureReps.Graphs.Spectral;
using StructureReps.Tests.Support;

namespace StructureReps.Tests.Graphs;

/// <summary>Normalized-Laplacian spectra with known answers, for every dense provider, and the iterative path against the dense one.</summary>
public class SpectrumTests
{
    private delegate (double[] Values, double[] Vectors) Solver(double[] a, int n, int il, int iu);

    private static (int N, int[] Src, int[] Dst) Path(int n) => (n, Enumerable.Range(0, n - 1).ToArray(), Enumerable.Range(1, n - 1).ToArray());
    private static (int N, int[] Src, int[] Dst) Cycle(int n) => (n, Enumerable.Range(0, n).ToArray(), Enumerable.Range(0, n).Select(i => (i + 1) % n).ToArray());

    private static (int N, int[] Src, int[] Dst) CompleteBipartite(int m, int n)
    {
        var src = new List<int>();
        var dst = new List<int>();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) { src.Add(i); dst.Add(m + j); }
        return (m + n, [.. src], [.. dst]);
    }

    /// <summary>The full spectrum, every eigenpair checked for residual and orthonormality.</summary>
    private static double[] Spectrum(Solver solve, (int N, int[] Src, int[] Dst) g, double[]? w = null)
    {
        var s = NormalizedAdjacency.Build(g.N, g.Src, g.Dst, w);
        int n = s.Size;
        var a = s.DenseLaplacian();
        var (values, vectors) = solve((double[])a.Clone(), n, 1, n);
        CheckEigenpairs(a, n, values, vectors);
        return values;
    }

    private static void CheckEigenpairs(double[] a, int n, double[] values, double[] vectors)
    {
        int cols = values.Length;
        for (int c = 0; c < cols; c++)
        {
            double residual = 0;
            for (int r = 0; r < n; r++)
            {
                double lv = 0;
                for (int j = 0; j < n; j++) lv += a[r * n + j] * vectors[j * cols + c];
                residual += Math.Pow(lv - values[c] * vectors[r * cols + c], 2);
            }
            Assert.True(Math.Sqrt(residual) < 1e-9, $"‖Lv − λv‖ = {Math.Sqrt(residual):G3} for eigenvalue {values[c]}");
            for (int d = 0; d <= c; d++)
            {
                double dot = 0;
                for (int r = 0; r < n; r++) dot += vectors[r * cols + c] * vectors[r * cols + d];
                Assert.True(Math.Abs(dot - (c == d ? 1 : 0)) < 1e-9, $"vᵀv for columns {c}, {d} is {dot}");
            }
        }
    }

    private static void AssertSpectrum(double[] expected, double[] actual)
    {
        Array.Sort(expected);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-9, $"eigenvalue {i}: expected {expected[i]}, got {actual[i]}");
    }

    private static void KnownSpectra(Solver solve)
    {
        // Path P_n: λ_j = 1 − cos(πj/(n−1)); cycle C_n: 1 − cos(2πj/n) (Chung, Spectral Graph Theory, 1.2).
        AssertSpectrum(Enumerable.Range(0, 7).Select(j => 1 - Math.Cos(Math.PI * j / 6)).ToArray(), Spectrum(solve, Path(7)));
        AssertSpectrum(Enumerable.Range(0, 8).Select(j => 1 - Math.Cos(2 * Math.PI * j / 8)).ToArray(), Spectrum(solve, Cycle(8)));
        // K_{m,n}: 0, 1 with multiplicity m + n − 2, 2 — a repeated eigenvalue, as in layered networks.
        AssertSpectrum([0, .. Enumerable.Repeat(1.0, 3 + 5 - 2), 2], Spectrum(solve, CompleteBipartite(3, 5)));
        // Two triangles, not joined: 0 twice (one per component), 3/2 four times.
        var two = (6, new[] { 0, 1, 2, 3, 4, 5 }, new[] { 1, 2, 0, 4, 5, 3 });
        AssertSpectrum([0, 0, 1.5, 1.5, 1.5, 1.5], Spectrum(solve, two));
        // Weights: a path 0 –2– 1 –2– 2 scales M but not L_sym's spectrum (0, 1, 2).
        AssertSpectrum([0, 1, 2], Spectrum(solve, Path(3), [2.0, 2.0]));
    }

    [Fact]
    public void Managed_solver_gives_the_known_spectra() => KnownSpectra(DenseEigen.Managed);

    [LapackFact("system")]
    public void System_lapack_gives_the_known_spectra() => KnownSpectra(LapackLibrary.TryOpen("system")!.Dsyevr);

    [LapackFact("mkl")]
    public void Mkl_gives_the_known_spectra() => KnownSpectra(LapackLibrary.TryOpen("mkl")!.Dsyevr);

    [LapackFact("system")]
    public void Lapack_asked_for_a_range_returns_that_slice_of_the_managed_spectrum()
    {
        var g = RandomLayered(new[] { 30, 40, 40, 10 }, 6, seed: 3);
        var s = NormalizedAdjacency.Build(g.N, g.Src, g.Dst, g.W);
        var a = s.DenseLaplacian();
        var (lv, lvec) = LapackLibrary.TryOpen("system")!.Dsyevr((double[])a.Clone(), s.Size, 2, 9);
        var (mv, _) = DenseEigen.Managed(a, s.Size, 2, 9);
        for (int i = 0; i < 8; i++) Assert.Equal(mv[i], lv[i], 10);
        CheckEigenpairs(a, s.Size, lv, lvec);
    }

    /// <summary>Layers of nodes, each node joined to <paramref name="fanOut"/> random nodes of the next layer, random positive weights.</summary>
    internal static (int N, int[] Src, int[] Dst, double[] W) RandomLayered(int[] layers, int fanOut, ulong seed)
    {
        var rng = new Core.Rng(seed);
        var src = new List<int>();
        var dst = new List<int>();
        var w = new List<double>();
        int offset = 0;
        for (int l = 0; l + 1 < layers.Length; l++)
        {
            int next = offset + layers[l];
            for (int i = 0; i < layers[l]; i++)
            {
                var targets = new HashSet<int>();
                while (targets.Count < Math.Min(fanOut, layers[l + 1])) targets.Add(rng.NextInt(layers[l + 1]));
                foreach (int t in targets.Order()) { src.Add(offset + i); dst.Add(next + t); w.Add(0.1 + rng.NextDouble()); }
            }
            offset = next;
        }
        return (offset + layers[^1], [.. src], [.. dst], [.. w]);
    }

    [Trait("Speed", "slow")]
    [Fact]
    public void Iterative_and_dense_paths_agree_on_eigenvalues_and_subspaces_of_a_3000_node_layered_graph()
    {
        var g = RandomLayered([500, 500, 500, 500, 500, 500], 4, seed: 11);
        var s = NormalizedAdjacency.Build(g.N, g.Src, g.Dst, g.W);
        Assert.InRange(s.Size, 2950, 3000); // a few last-layer nodes draw no edge and are left out
        const int count = 9; // k + 1 for k = 8
        var (dv, dvec) = DenseEigen.Smallest(s.DenseLaplacian(), s.Size, 1, count);
        var (iv, ivec, report) = BlockLanczos.Smallest(s, count, seed: 5, tolerance: 1e-8);
        for (int i = 0; i < count; i++) Assert.True(Math.Abs(dv[i] - iv[i]) < 1e-9, $"eigenvalue {i}: dense {dv[i]}, Lanczos {iv[i]}");
        // Same subspace (signs and the basis inside a repeated eigenvalue may differ): the iterative vectors'
        // projection onto the dense ones keeps their whole norm, ‖Dᵀv‖ = 1. The gap after eigenvalue 9 keeps it well posed.
        Assert.True(dv[count - 1] < dvec.Length); // sanity: vectors exist
        for (int c = 0; c < count; c++)
        {
            double kept = 0;
            for (int d = 0; d < count; d++)
            {
                double dot = 0;
                for (int r = 0; r < s.Size; r++) dot += dvec[r * count + d] * ivec[r * count + c];
                kept += dot * dot;
            }
            Assert.True(Math.Abs(kept - 1) < 1e-6, $"Lanczos vector {c} keeps {kept} of its norm in the dense subspace ({report})");
        }
    }

    [Fact]
    public void Iterative_path_finds_a_repeated_eigenvalue()
    {
        // K_{40,60} plus a pendant path: eigenvalue 1 has multiplicity ~98, the block solver must still return
        // orthonormal vectors with small residuals for the smallest ones.
        var (n, src, dst) = CompleteBipartite(40, 60);
        var s = NormalizedAdjacency.Build(n, src, dst, null);
        var (values, vectors, _) = BlockLanczos.Smallest(s, 5, seed: 1, tolerance: 1e-8);
        Assert.Equal(0, values[0], 8);
        for (int i = 1; i < 5; i++) Assert.Equal(1, values[i], 8);
        CheckEigenpairs(s.DenseLaplacian(), s.Size, values, vectors);
    }

    [Fact]
    public void Iterative_path_reports_failure_when_capped()
    {
        var g = RandomLayered([300, 300, 300], 3, seed: 2);
        var s = NormalizedAdjacency.Build(g.N, g.Src, g.Dst, g.W);
        var e = Assert.Throws<EigenSolverException>(() => BlockLanczos.Smallest(s, 9, tolerance: 1e-14, maxRestarts: 1, maxBasis: 24));
        Assert.Contains("did not converge", e.Message);
        Assert.Contains("1 restarts", e.Message);
    }
}
