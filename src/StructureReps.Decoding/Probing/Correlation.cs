namespace StructureReps.Decoding.Probing;

/// <summary>Agreement between predictions and targets (spec §7): Pearson r, Spearman ρ, Kendall τ-b, R².</summary>
public static class Correlation
{
    /// <summary>Pearson's r; NaN when either side is constant.</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Spearman's ρ: Pearson's r of the ranks, ties sharing their mean rank.</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        return Pearson(Ranks(x), Ranks(y));
    }

    /// <summary>Kendall's τ-b: (concordant − discordant) / √((n0 − ties_x)(n0 − ties_y)), ties handled as SciPy's kendalltau.</summary>
    public static double Kendall(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        long concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
        for (int i = 0; i < x.Count; i++)
            for (int j = i + 1; j < x.Count; j++)
            {
                int sx = Math.Sign(x[i] - x[j]), sy = Math.Sign(y[i] - y[j]);
                if (sx == 0 && sy == 0) continue; // tied in both: counts in neither
                if (sx == 0) tiesX++;
                else if (sy == 0) tiesY++;
                else if (sx == sy) concordant++;
                else discordant++;
            }
        double denominator = Math.Sqrt((double)(concordant + discordant + tiesX) * (concordant + discordant + tiesY));
        return denominator == 0 ? double.NaN : (concordant - discordant) / denominator;
    }

    /// <summary>R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²: 1 for a perfect prediction, 0 for the mean, negative when worse.</summary>
    public static double R2(IReadOnlyList<double> truth, IReadOnlyList<double> prediction)
    {
        Check(truth, prediction);
        double mean = truth.Average(), ssRes = 0, ssTot = 0;
        for (int i = 0; i < truth.Count; i++)
        {
            ssRes += (truth[i] - prediction[i]) * (truth[i] - prediction[i]);
            ssTot += (truth[i] - mean) * (truth[i] - mean);
        }
        return ssTot == 0 ? double.NaN : 1 - ssRes / ssTot;
    }

    /// <summary>1-based ranks, ties getting the mean of the ranks they span.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i + 1;
            while (j < order.Length && values[order[j]] == values[order[i]]) j++;
            double mean = (i + 1 + j) / 2.0;
            for (int t = i; t < j; t++) ranks[order[t]] = mean;
            i = j;
        }
        return ranks;
    }

    private static void Check(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} values against {y.Count}");
        if (x.Count < 2) throw new ArgumentException("a correlation needs at least 2 pairs");
    }
}
