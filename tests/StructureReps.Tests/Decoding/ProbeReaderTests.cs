using StructureReps.Decoding.Probing;

namespace StructureReps.Tests.Decoding;

/// <summary>
/// A prediction outside what the performance can be is clipped and marked; one outside the targets the probe was
/// fitted on is marked as an extrapolation. The probe here is y = x / 10, fitted on x = 0 … 9 (targets 0 … 0.9).
/// </summary>
public sealed class ProbeReaderTests
{
    private static SavedProbe Probe(string performance, bool ranges = true)
    {
        var x = Enumerable.Range(0, 10).Select(i => new double[] { i }).ToList();
        var y = Enumerable.Range(0, 10).Select(i => i / 10.0).ToList();
        var state = RidgeProbe.Fit(x, y, 1e-9).State;
        return new SavedProbe(SavedProbe.FormatName, new string('a', 64), "t", 1, 1, performance, 10, 1e-9, state,
            state, "", ranges ? TargetRange.Of(y) : null, ranges ? TargetRange.Of(y) : null);
    }

    [Fact]
    public void An_accuracy_above_1_is_clipped_and_marked()
    {
        var (train, test) = new ProbeReader(Probe("accuracy")).Predict([20]);
        Assert.Equal(1.0, test.Value);
        Assert.Equal(2.0, test.Raw, 6);
        Assert.True(test.Clipped && test.OutsideFitted && train.Clipped);
        Assert.StartsWith("1.0000 (clipped from 2", test.Describe(TargetRange.Of([0, 0.9])));
        var below = new ProbeReader(Probe("accuracy")).Predict([-3]).Test;
        Assert.Equal(0.0, below.Value);
        Assert.True(below.Clipped);
    }

    [Fact]
    public void Inside_the_bounds_but_beyond_the_fitted_targets_is_marked_not_clipped()
    {
        var (_, test) = new ProbeReader(Probe("accuracy")).Predict([9.5]);
        Assert.Equal(0.95, test.Value, 6);
        Assert.False(test.Clipped);
        Assert.True(test.OutsideFitted);
        Assert.Contains("outside the fitted 0–0.9", test.Describe(TargetRange.Of([0, 0.9])));
        var inside = new ProbeReader(Probe("accuracy")).Predict([4.5]).Test;
        Assert.False(inside.Clipped || inside.OutsideFitted);
    }

    [Fact]
    public void An_r2_is_bounded_above_only_and_an_unknown_performance_not_at_all()
    {
        Assert.Equal(-0.3, new ProbeReader(Probe("r2")).Predict([-3]).Test.Value, 6);
        Assert.Equal(1.0, new ProbeReader(Probe("r2")).Predict([20]).Test.Value);
        var unknown = new ProbeReader(Probe("", ranges: false)).Predict([20]).Test;
        Assert.Equal(2.0, unknown.Value, 6);
        Assert.False(unknown.Clipped || unknown.OutsideFitted); // an old probe file: no range to compare with
    }

    [Fact]
    public void A_non_finite_embedding_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new ProbeReader(Probe("accuracy")).Predict([double.NaN]));
        Assert.Contains("embedding[0]", e.Message);
    }
}
