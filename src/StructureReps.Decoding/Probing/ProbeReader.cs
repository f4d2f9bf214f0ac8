namespace StructureReps.Decoding.Probing;

/// <summary>The span of the targets a probe was fitted on.</summary>
public sealed record TargetRange(double Min, double Max)
{
    public static TargetRange Of(IReadOnlyList<double> y) => new(y.Min(), y.Max());

    public bool Contains(double v) => v >= Min && v <= Max;

    public override string ToString() => $"{Min:G4}–{Max:G4}";
}

/// <summary>
/// One predicted target: <see cref="Value"/> is the probe's output held to what the performance can be (an accuracy
/// in [0, 1], an R² at most 1), <see cref="Raw"/> the output itself; <see cref="Clipped"/> says they differ and
/// <see cref="OutsideFitted"/> that the raw output lies outside the targets the probe was fitted on (an
/// extrapolation, to be read with care).
/// </summary>
public readonly record struct PredictedValue(double Value, double Raw, bool Clipped, bool OutsideFitted)
{
    /// <summary>"0.9412", or "1.0000 (clipped from 1.134)" / "0.9931 (outside the fitted 0.52–0.97)".</summary>
    public string Describe(TargetRange? fitted)
    {
        string v = Value.ToString("F4", System.Globalization.CultureInfo.InvariantCulture);
        if (Clipped)
            return $"{v} (clipped from {Raw.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)})";
        return OutsideFitted && fitted is not null ? $"{v} (outside the fitted {fitted})" : v;
    }
}

/// <summary>
/// A saved probe ready to read embeddings: its two ridge probes, the bounds of its performance, the fitted ranges.
/// `predict` and the native library both read predictions through it.
/// </summary>
public sealed class ProbeReader
{
    private readonly RidgeProbe _train, _test;
    private readonly double _low, _high;

    public ProbeReader(SavedProbe saved)
    {
        Saved = saved;
        _train = RidgeProbe.From(saved.Train);
        _test = RidgeProbe.From(saved.Test);
        (_low, _high) = Bounds(saved.Performance);
    }

    public SavedProbe Saved { get; }

    public int Dimensions => Saved.Dimensions;

    /// <summary>What a performance can be: accuracy in [0, 1], R² at most 1; unknown kinds are not bounded.</summary>
    public static (double Low, double High) Bounds(string performance) => performance switch
    {
        "accuracy" => (0, 1),
        "r2" => (double.NegativeInfinity, 1),
        _ => (double.NegativeInfinity, double.PositiveInfinity),
    };

    /// <summary>
    /// Predicted train and test performance of one embedding (finite values, <see cref="Dimensions"/> of them).
    /// </summary>
    public (PredictedValue Train, PredictedValue Test) Predict(double[] x)
    {
        if (x.Length != Dimensions)
            throw new ArgumentException($"an embedding of {x.Length} values, the probe takes {Dimensions}");
        int bad = Array.FindIndex(x, v => !double.IsFinite(v));
        if (bad >= 0) throw new ArgumentException($"embedding[{bad}] is {x[bad]}, expected a finite number");
        return (Value(_train.Predict(x), Saved.TrainRange), Value(_test.Predict(x), Saved.TestRange));
    }

    private PredictedValue Value(double raw, TargetRange? fitted)
    {
        if (!double.IsFinite(raw)) throw new ArgumentException($"the probe's output is {raw} (a damaged probe?)");
        double value = Math.Clamp(raw, _low, _high);
        return new PredictedValue(value, raw, value != raw, fitted is not null && !fitted.Contains(raw));
    }
}
