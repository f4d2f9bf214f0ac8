namespace StructureReps.Decoding.Probing;

/// <summary>The probe's scores on the held-out part of one split.</summary>
public sealed record ProbeScore(double Pearson, double Spearman, double Kendall, double R2);

/// <summary>Scores over the seeds: mean and (population) variance of r — the paper's "0.74 (0.0020)" — and the means of the others.</summary>
public sealed record ProbeSummary(double PearsonMean, double PearsonVariance, double SpearmanMean, double KendallMean, double R2Mean, int Seeds)
{
    public string Format() => double.IsNaN(PearsonMean) ? "—" : $"{PearsonMean:F2} ({PearsonVariance:F4})";

    public static ProbeSummary Of(IReadOnlyList<ProbeScore> scores)
    {
        double m = scores.Average(s => s.Pearson);
        return new ProbeSummary(m, scores.Average(s => (s.Pearson - m) * (s.Pearson - m)), scores.Average(s => s.Spearman),
            scores.Average(s => s.Kendall), scores.Average(s => s.R2), scores.Count);
    }
}

/// <summary>Fits the ridge probe on the training part of each seeded split and scores the held-out part.</summary>
public static class ProbeRunner
{
    public static ProbeScore Score(IReadOnlyList<double[]> x, IReadOnlyList<double> y, int[] train, int[] test, double lambda = RidgeProbe.DefaultLambda)
    {
        var probe = RidgeProbe.Fit(train.Select(i => x[i]).ToList(), train.Select(i => y[i]).ToList(), lambda);
        var truth = test.Select(i => y[i]).ToList();
        var predicted = test.Select(i => probe.Predict(x[i])).ToList();
        return new ProbeScore(Correlation.Pearson(predicted, truth), Correlation.Spearman(predicted, truth),
            Correlation.Kendall(predicted, truth), Correlation.R2(truth, predicted));
    }

    /// <summary>Probe scores over <paramref name="seeds"/> splits (seed s = 0, 1, …).</summary>
    public static ProbeSummary Evaluate(IReadOnlyList<double[]> x, IReadOnlyList<double> y, IReadOnlyList<int> runOf, Split split, int seeds = 5) =>
        ProbeSummary.Of(Scores(x, y, runOf, split, seeds));

    /// <summary>The score of each of <paramref name="seeds"/> splits (seed s = 0, 1, …), to pool over several feature sets.</summary>
    public static List<ProbeScore> Scores(IReadOnlyList<double[]> x, IReadOnlyList<double> y, IReadOnlyList<int> runOf, Split split, int seeds = 5)
    {
        var scores = new List<ProbeScore>();
        for (int s = 0; s < seeds; s++)
        {
            var (train, test) = Splits.Make(split, runOf, (ulong)s);
            scores.Add(Score(x, y, train, test));
        }
        return scores;
    }

    /// <summary>
    /// The inductive mode: for each seed s the by-run split of seed s, and features from an encoder trained on that
    /// split's training rows only (<paramref name="featuresFor"/>(s, trainRows) returns every row's features).
    /// </summary>
    public static ProbeSummary EvaluateInductive(Func<int, int[], IReadOnlyList<double[]>> featuresFor, IReadOnlyList<double> y,
        IReadOnlyList<int> runOf, int seeds)
    {
        var scores = new List<ProbeScore>();
        for (int s = 0; s < seeds; s++)
        {
            var (train, test) = Splits.Make(Split.ByRun, runOf, (ulong)s);
            scores.Add(Score(featuresFor(s, train), y, train, test));
        }
        return ProbeSummary.Of(scores);
    }
}
