namespace StructureReps.Graphs.Encoding;

/// <summary>Scores of a reconstruction.</summary>
public static class Metrics
{
    /// <summary>
    /// ROC AUC of positive against negative scores: the probability that a random positive outscores a random
    /// negative, ties counting ½ (Mann–Whitney U / (|P|·|N|)). Each side is sorted on its own (a plain float sort,
    /// several times faster than sorting scores with their labels attached) and the two are merged.
    /// </summary>
    public static double Auc(ReadOnlySpan<float> positive, ReadOnlySpan<float> negative)
    {
        if (positive.Length == 0 || negative.Length == 0) return double.NaN;
        var pool = System.Buffers.ArrayPool<float>.Shared;
        float[] pos = pool.Rent(positive.Length), neg = pool.Rent(negative.Length);
        try
        {
            positive.CopyTo(pos);
            negative.CopyTo(neg);
            return SortedAuc(pos.AsSpan(0, positive.Length), neg.AsSpan(0, negative.Length));
        }
        finally
        {
            pool.Return(pos);
            pool.Return(neg);
        }
    }

    /// <summary><see cref="Auc(ReadOnlySpan{float}, ReadOnlySpan{float})"/> of two score tensors, read into reused host arrays.</summary>
    public static double Auc(Core.Tensor positive, Core.Tensor negative)
    {
        if (positive.Length == 0 || negative.Length == 0) return double.NaN;
        var pool = System.Buffers.ArrayPool<float>.Shared;
        float[] pos = pool.Rent(positive.Length), neg = pool.Rent(negative.Length);
        try
        {
            positive.Data.Read(pos.AsSpan(0, positive.Length));
            negative.Data.Read(neg.AsSpan(0, negative.Length));
            return SortedAuc(pos.AsSpan(0, positive.Length), neg.AsSpan(0, negative.Length));
        }
        finally
        {
            pool.Return(pos);
            pool.Return(neg);
        }
    }

    /// <summary>
    /// <see cref="Auc(Core.Tensor, Core.Tensor)"/> with the scores read now and the sorting done on a pool thread:
    /// training reports the AUC per batch, and the sort need not hold up the next batch (the result is the same).
    /// </summary>
    public static Task<double> AucInBackground(Core.Tensor positive, Core.Tensor negative)
    {
        if (positive.Length == 0 || negative.Length == 0) return Task.FromResult(double.NaN);
        var pool = System.Buffers.ArrayPool<float>.Shared;
        float[] pos = pool.Rent(positive.Length), neg = pool.Rent(negative.Length);
        int np = positive.Length, nn = negative.Length;
        positive.Data.Read(pos.AsSpan(0, np));
        negative.Data.Read(neg.AsSpan(0, nn));
        return Task.Run(() =>
        {
            try { return SortedAuc(pos.AsSpan(0, np), neg.AsSpan(0, nn)); }
            finally { pool.Return(pos); pool.Return(neg); }
        });
    }

    /// <summary>Sorts both sides in place, then merges: U counts, per positive, the negatives below it and half those equal.</summary>
    private static double SortedAuc(Span<float> p, Span<float> n)
    {
        if (HasNaN(p) || HasNaN(n)) return double.NaN;
        p.Sort();
        n.Sort();
        double u = 0;
        int below = 0, upTo = 0; // negatives < v, and ≤ v, for the current positive v (both only grow)
        foreach (float v in p)
        {
            while (below < n.Length && n[below] < v) below++;
            if (upTo < below) upTo = below;
            while (upTo < n.Length && n[upTo] == v) upTo++;
            u += below + 0.5 * (upTo - below);
        }
        return u / ((double)p.Length * n.Length);
    }

    private static bool HasNaN(ReadOnlySpan<float> values)
    {
        foreach (float v in values) if (float.IsNaN(v)) return true;
        return false;
    }
}
