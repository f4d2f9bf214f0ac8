namespace StructureReps.Graphs.Encoding;

/// <summary>Scores of a reconstruction.</summary>
public static class Metrics
{
    /// <summary>
    /// ROC AUC of positive against negative scores: the probability that a random positive outscores a random
    /// negative, ties counting ½ (Mann–Whitney U / (|P|·|N|)), by one sort.
    /// </summary>
    public static double Auc(float[] positive, float[] negative)
    {
        if (positive.Length == 0 || negative.Length == 0) return double.NaN;
        if (positive.Any(float.IsNaN) || negative.Any(float.IsNaN)) return double.NaN;
        var all = positive.Select(v => (Value: v, Positive: true)).Concat(negative.Select(v => (Value: v, Positive: false)))
            .OrderBy(x => x.Value).ToArray();
        double rankSum = 0;
        for (int i = 0; i < all.Length;)
        {
            int j = i + 1;
            while (j < all.Length && all[j].Value == all[i].Value) j++;
            double midRank = (i + j + 1) / 2.0; // ranks i+1 .. j share their mean
            for (int t = i; t < j; t++) if (all[t].Positive) rankSum += midRank;
            i = j;
        }
        double u = rankSum - (double)positive.Length * (positive.Length + 1) / 2.0; // double: P² overflows int at 50k pairs
        return u / ((double)positive.Length * negative.Length);
    }
}
