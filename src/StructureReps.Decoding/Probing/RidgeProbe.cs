using MathNet.Numerics.LinearAlgebra;

namespace StructureReps.Decoding.Probing;

/// <summary>
/// The linear probe of spec §7: features standardized with the training rows' mean and standard deviation
/// (constant columns dropped to 0), then least squares with a small ridge, w = (XᵀX + λI)⁻¹ Xᵀ(y − ȳ), and an
/// intercept ȳ (not penalized). λ = 1e-3 by default. Solved by Cholesky on the d×d normal equations.
/// </summary>
public sealed class RidgeProbe
{
    private readonly double[] _mean, _std, _w;
    private readonly double _intercept;

    private RidgeProbe(double[] mean, double[] std, double[] w, double intercept) => (_mean, _std, _w, _intercept) = (mean, std, w, intercept);

    /// <summary>The ridge penalty of every probe (spec §7): decode, predict's saved probes and the reproduction.</summary>
    public const double DefaultLambda = 1e-3;

    public static RidgeProbe Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, double lambda = DefaultLambda)
    {
        if (x.Count == 0 || x.Count != y.Count) throw new ArgumentException($"probe: {x.Count} feature rows for {y.Count} targets");
        int n = x.Count, d = x[0].Length;
        var mean = new double[d];
        var std = new double[d];
        for (int j = 0; j < d; j++)
        {
            double m = 0;
            for (int i = 0; i < n; i++) m += x[i][j];
            m /= n;
            double v = 0;
            for (int i = 0; i < n; i++) v += (x[i][j] - m) * (x[i][j] - m);
            mean[j] = m;
            std[j] = Math.Sqrt(v / n);
        }
        double yMean = y.Average();
        var a = Matrix<double>.Build.Dense(n, d, (i, j) => std[j] > 1e-12 ? (x[i][j] - mean[j]) / std[j] : 0);
        var b = Vector<double>.Build.Dense(n, i => y[i] - yMean);
        var gram = a.TransposeThisAndMultiply(a) + Matrix<double>.Build.DenseIdentity(d) * lambda;
        var w = gram.Cholesky().Solve(a.TransposeThisAndMultiply(b));
        return new RidgeProbe(mean, std, w.ToArray(), yMean);
    }

    /// <summary>What the probe learned, to save it: standardization, weights, intercept.</summary>
    public ProbeState State => new(_mean, _std, _w, _intercept);

    /// <summary>A probe saved as <see cref="State"/>; lengths must agree.</summary>
    public static RidgeProbe From(ProbeState s)
    {
        if (s.Mean is null || s.Std is null || s.Weights is null || s.Mean.Length != s.Weights.Length || s.Std.Length != s.Weights.Length)
            throw new ArgumentException("probe: mean, std and weights must be present and of one length");
        if (!double.IsFinite(s.Intercept) || s.Mean.Concat(s.Std).Concat(s.Weights).Any(v => !double.IsFinite(v)))
            throw new ArgumentException("probe: non-finite values");
        return new RidgeProbe(s.Mean, s.Std, s.Weights, s.Intercept);
    }

    public int Dimensions => _w.Length;

    public double Predict(double[] x)
    {
        double s = _intercept;
        for (int j = 0; j < _w.Length; j++)
            if (_std[j] > 1e-12) s += _w[j] * (x[j] - _mean[j]) / _std[j];
        return s;
    }
}

/// <summary>A fitted probe's numbers: per-feature mean and std of the training rows, the weights, the intercept.</summary>
public sealed record ProbeState(double[] Mean, double[] Std, double[] Weights, double Intercept);
