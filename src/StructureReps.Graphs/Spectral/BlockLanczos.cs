using StructureReps.Core;
using System.Numerics.Tensors;

namespace StructureReps.Graphs.Spectral;

/// <summary>The iterative solver did not reach its tolerance within its iteration cap.</summary>
/// <summary>The iterative eigen solver did not converge on a graph: bad input for the CLI (exit 1), with a Remedy.</summary>
public sealed class EigenSolverException(string message) : InvalidOperationException(message);

/// <summary>Convergence report of an iterative solve.</summary>
public sealed record LanczosReport(int Restarts, int BlockProducts, int BasisSize, double MaxResidual);

/// <summary>
/// The k smallest eigenpairs of L_sym = I − S on a large sparse graph (spec §4, N ≥ T): block Lanczos with
/// full reorthogonalization and thick restarts on B = I + S = 2I − L, whose largest eigenvalues are L's
/// smallest (and B is positive semi-definite). A block (not a single vector) is used because layered graphs
/// have repeated eigenvalues, which a single Krylov vector cannot resolve. Each cycle grows an orthonormal
/// basis V block by block (classical Gram–Schmidt applied twice against all of V), takes the Rayleigh–Ritz
/// pairs of VᵀBV, and stops when every wanted pair has ‖Lv − λv‖ ≤ tolerance; otherwise it restarts from the
/// best Ritz vectors. Fails with <see cref="EigenSolverException"/> after <c>maxRestarts</c> cycles.
/// </summary>
public static class BlockLanczos
{
    public static (double[] Values, double[] Vectors, LanczosReport Report) Smallest(NormalizedAdjacency s, int count,
        ulong seed = 0, double tolerance = 1e-6, int maxRestarts = 200, int? maxBasis = null, int? blockSize = null)
    {
        int n = s.Size;
        if (count < 1 || count > n) throw new ArgumentOutOfRangeException(nameof(count), $"{count} eigenpairs of a {n}-node graph");
        int b = Math.Min(n, blockSize ?? count + Math.Max(2, count / 2));
        int mMax = Math.Min(n, Math.Max(maxBasis ?? 12 * b, 2 * b));
        var rng = new Core.Rng(seed);
        var x = new List<double[]>();
        for (int j = 0; j < b; j++) x.Add(RandomVector(n, rng));
        int products = 0;
        double worst = double.PositiveInfinity;
        for (int restart = 1; restart <= maxRestarts; restart++)
        {
            var v = new List<double[]>();
            var bv = new List<double[]>();
            AppendBlock(s, x, v, bv, rng, ref products);
            while (v.Count + b <= mMax)
            {
                var next = bv.Skip(v.Count - b).Take(b).Select(c => (double[])c.Clone()).ToList();
                if (!AppendBlock(s, next, v, bv, rng, ref products)) break;
            }
            // Rayleigh–Ritz on span(V).
            int m = v.Count;
            var h = new double[m * m];
            for (int i = 0; i < m; i++)
                for (int j = i; j < m; j++)
                    h[i * m + j] = h[j * m + i] = TensorPrimitives.Dot<double>(v[i], bv[j]);
            var (theta, y) = DenseEigen.Managed(h, m, m - b + 1, m); // the b largest, ascending
            x = new List<double[]>(b);
            var bx = new List<double[]>(b);
            for (int c = b - 1; c >= 0; c--) // largest first = smallest λ_L first
            {
                var xc = new double[n];
                var bxc = new double[n];
                for (int i = 0; i < m; i++)
                {
                    double coef = y[i * b + c];
                    if (coef == 0) continue;
                    TensorPrimitives.MultiplyAdd<double>(v[i], coef, xc, xc);
                    TensorPrimitives.MultiplyAdd<double>(bv[i], coef, bxc, bxc);
                }
                x.Add(xc);
                bx.Add(bxc);
            }
            worst = 0;
            var values = new double[count];
            for (int c = 0; c < count; c++)
            {
                double t = theta[b - 1 - c];
                values[c] = 2.0 - t;
                var r = new double[n];
                TensorPrimitives.MultiplyAdd<double>(x[c], -t, bx[c], r);
                worst = Math.Max(worst, TensorPrimitives.Norm<double>(r));
            }
            if (worst <= tolerance)
            {
                var vectors = new double[(long)n * count];
                for (int c = 0; c < count; c++)
                    for (int i = 0; i < n; i++) vectors[(long)i * count + c] = x[c][i];
                return (values, vectors, new LanczosReport(restart, products, m, worst));
            }
        }
        throw new EigenSolverException(
            $"block Lanczos did not converge: {count} smallest eigenpairs of an {n}-node Laplacian, largest residual {worst:G3} > tolerance {tolerance:G3} after {maxRestarts} restarts ({products} block products); allow more restarts or a looser tolerance").With(Remedy.SolverBudget);
    }

    /// <summary>Orthonormalizes <paramref name="block"/> against V and itself, appends it and B times it. False when nothing new remains.</summary>
    private static bool AppendBlock(NormalizedAdjacency s, List<double[]> block, List<double[]> v, List<double[]> bv, Core.Rng rng, ref int products)
    {
        int n = s.Size, added = 0;
        foreach (var w0 in block)
        {
            var w = w0;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                double before = TensorPrimitives.Norm<double>(w);
                for (int pass = 0; pass < 2; pass++)
                    foreach (var q in v) TensorPrimitives.MultiplyAdd<double>(q, -TensorPrimitives.Dot<double>(q, w), w, w);
                double after = TensorPrimitives.Norm<double>(w);
                if (after > 1e-8 * Math.Max(before, 1e-300) && after > 1e-300)
                {
                    TensorPrimitives.Multiply<double>(w, 1.0 / after, w);
                    var bw = new double[n];
                    s.Apply(w, bw, 1.0, 1.0);
                    v.Add(w);
                    bv.Add(bw);
                    added++;
                    break;
                }
                if (v.Count >= n) return added > 0;
                w = RandomVector(n, rng); // the Krylov space is exhausted in this direction (invariant subspace)
            }
        }
        products++;
        return added > 0;
    }

    private static double[] RandomVector(int n, Core.Rng rng)
    {
        var w = new double[n];
        for (int i = 0; i < n; i++) w[i] = rng.NextGaussian();
        return w;
    }
}
