using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Features;

namespace StructureReps.Tests.Decoding;

public class ProbeTests
{
    [Fact]
    public void Pearson_spearman_and_kendall_match_hand_computed_values_with_ties()
    {
        double[] x = [1, 2, 3, 4, 5];
        double[] y = [2, 4, 5, 4, 5];
        // Pearson: x̄ = 3, ȳ = 4; Σdxdy = (−2)(−2) + (−1)(0) + 0 + (1)(0) + (2)(1) = 6; Σdx² = 10; Σdy² = 4 + 0 + 1 + 0 + 1 = 6 → 6/√60.
        Assert.Equal(6 / Math.Sqrt(60), Correlation.Pearson(x, y), 12);
        // Ranks of y with ties: 2 → 1, the two 4s → 2.5, the two 5s → 4.5. Pearson of [1..5] and [1, 2.5, 4.5, 2.5, 4.5]:
        // dy = [−2, −0.5, 1.5, −0.5, 1.5]; Σdxdy = 4 + 0.5 + 0 − 0.5 + 3 = 7; Σdy² = 4 + 0.25 + 2.25 + 0.25 + 2.25 = 9 → 7/√90.
        Assert.Equal(7 / Math.Sqrt(90), Correlation.Spearman(x, y), 12);
        // Kendall τ-b: of the 10 pairs, y ties in (2,4) and (3,5) → 2 ties in y only; discordant (3,4): x up, y down (5 → 4);
        // concordant: the other 7. τ = (7 − 1)/√((7 + 1 + 0)(7 + 1 + 2)) = 6/√80.
        Assert.Equal(6 / Math.Sqrt(80), Correlation.Kendall(x, y), 12);
        Assert.Equal([1.0, 2.5, 4.5, 2.5, 4.5], Correlation.Ranks(y));
    }

    [Fact]
    public void R2_is_1_for_a_perfect_prediction_0_for_the_mean_and_negative_when_worse()
    {
        double[] truth = [1, 2, 3, 4];
        Assert.Equal(1.0, Correlation.R2(truth, truth), 12);
        Assert.Equal(0.0, Correlation.R2(truth, [2.5, 2.5, 2.5, 2.5]), 12);
        Assert.True(Correlation.R2(truth, [4, 3, 2, 1]) < 0);
        Assert.True(double.IsNaN(Correlation.Pearson(truth, [1, 1, 1, 1])));
    }

    [Fact]
    public void Ridge_probe_recovers_a_linear_target_and_ignores_constant_columns()
    {
        var rng = new Core.Rng(3);
        var x = Enumerable.Range(0, 50).Select(_ => new[] { rng.NextGaussian() * 3 + 1, 7.0, rng.NextGaussian() }).ToList();
        var y = x.Select(r => 2 * r[0] - 0.5 * r[2] + 4).ToList();
        var probe = RidgeProbe.Fit(x, y, lambda: 1e-9);
        foreach (var (r, t) in x.Zip(y)) Assert.Equal(t, probe.Predict(r), 6);
    }

    [Fact]
    public void Splits_are_disjoint_complete_seeded_and_by_run_keeps_runs_whole()
    {
        var runOf = Enumerable.Range(0, 60).Select(i => i / 6).ToArray(); // 10 runs × 6 epochs
        foreach (var mode in Splits.Modes)
        {
            var (train, test) = Splits.Make(mode, runOf, 4);
            Assert.Empty(train.Intersect(test));
            Assert.Equal(60, train.Length + test.Length);
            Assert.Equal(Splits.Make(mode, runOf, 4).Test, Splits.Make(mode, runOf, 4).Test);
            Assert.NotEqual(test, Splits.Make(mode, runOf, 5).Test);
            if (mode == Split.ByRun) Assert.Empty(train.Select(i => runOf[i]).Intersect(test.Select(i => runOf[i])));
            else Assert.Equal(12, test.Length);
        }
        Assert.Throws<ArgumentException>(() => Splits.Make(Split.ByRun, new int[5], 0));
        Assert.Throws<ArgumentException>(() => Splits.Make(Split.Inductive, runOf, 0)); // needs an encoder per seed
        Assert.Equal(["random", "by-run", "inductive"], Enum.GetValues<Split>().Select(s => s.Name()));
        Assert.Equal(Split.ByRun, ProbeNames.ParseSplit("by-run"));
        Assert.Throws<ArgumentException>(() => ProbeNames.ParseSplit("byrun"));
    }

    [Fact]
    public void Inductive_mode_asks_each_seed_for_features_from_its_training_runs_only()
    {
        var runOf = Enumerable.Range(0, 60).Select(i => i / 6).ToArray(); // 10 runs × 6 epochs
        var y = Enumerable.Range(0, 60).Select(i => (double)(i % 6)).ToArray();
        var asked = new List<(int Seed, int[] Train)>();
        IReadOnlyList<double[]> FeaturesFor(int seed, int[] train)
        {
            asked.Add((seed, train));
            // An "encoder" that saw only the training rows: it knows the target there and outputs 0 elsewhere.
            var known = train.ToHashSet();
            return Enumerable.Range(0, 60).Select(i => new[] { known.Contains(i) ? y[i] : 0.0, i % 6 + 0.0 }).ToList();
        }
        var summary = ProbeRunner.EvaluateInductive(FeaturesFor, y, runOf, 3);
        Assert.Equal([0, 1, 2], asked.Select(a => a.Seed));
        foreach (var (seed, train) in asked)
        {
            Assert.Equal(Splits.Make(Split.ByRun, runOf, (ulong)seed).Train, train);
            Assert.Empty(train.Select(i => runOf[i]).Intersect(Splits.Make(Split.ByRun, runOf, (ulong)seed).Test.Select(i => runOf[i])));
        }
        Assert.Equal(3, summary.Seeds);
        Assert.Equal(1.0, summary.PearsonMean, 6); // the second feature carries the target on unseen runs too
    }

    [Fact]
    public void Statnn_features_are_mean_variance_and_quantiles()
    {
        Assert.Equal([2.5, 1.25, 1, 1.75, 2.5, 3.25, 4], Baselines.Statistics([4, 1, 3, 2]));
    }
}
