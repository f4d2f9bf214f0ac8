using MathNet.Numerics.LinearAlgebra;

namespace StructureReps.Graphs.Spectral;

/// <summary>
/// A few eigenpairs of a dense symmetric matrix: LAPACK's dsyevr (MKL or the system library, see
/// <see cref="Lapack"/>) when one is loaded, asking only for eigenvalues il..iu; otherwise MathNet.Numerics'
/// managed symmetric eigen-decomposition (all of them, then the slice).
/// </summary>
public static class DenseEigen
{
    /// <summary>Eigenvalues il..iu (1-based, ascending) of a [n, n] (row-major, symmetric) and eigenvectors as columns of [n, iu − il + 1].</summary>
    public static (double[] Values, double[] Vectors) Smallest(double[] a, int n, int il, int iu)
    {
        if (il < 1 || iu < il || iu > n) throw new ArgumentOutOfRangeException(nameof(iu), $"eigenvalues {il}..{iu} of a {n}×{n} matrix");
        return Lapack.Library is { } lib ? lib.Dsyevr((double[])a.Clone(), n, il, iu) : Managed(a, n, il, iu);
    }

    /// <summary>MathNet's solver (tridiagonal QL); the fallback and the oracle in tests.</summary>
    public static (double[] Values, double[] Vectors) Managed(double[] a, int n, int il, int iu)
    {
        var m = Matrix<double>.Build.Dense(n, n, (r, c) => a[(long)r * n + c]);
        var evd = m.Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, n).OrderBy(i => evd.EigenValues[i].Real).ToArray();
        int cols = iu - il + 1;
        var values = new double[cols];
        var vectors = new double[(long)n * cols];
        for (int c = 0; c < cols; c++)
        {
            int src = order[il - 1 + c];
            values[c] = evd.EigenValues[src].Real;
            for (int r = 0; r < n; r++) vectors[(long)r * cols + c] = evd.EigenVectors[r, src];
        }
        return (values, vectors);
    }
}
