using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;

namespace StructureReps.Graphs.Features;

/// <summary>
/// Baselines decoded through the same probe (spec §7): the epoch number alone, and StatNN weight statistics
/// (Unterthiner et al. 2020) — per layer, for the weights and for the biases, the mean, the variance and the
/// 0/25/50/75/100 % quantiles (padding zeros of smaller kernels excluded).
/// </summary>
public static class Baselines
{
    public static double[] Epoch(NetworkGraph g) => [g.Targets.Epoch];

    public static double[] StatNn(NetworkGraph g)
    {
        var t = g.Topology;
        var features = new List<double>();
        for (int l = 0; l < t.WeightLayers; l++)
        {
            var footprint = EdgeStandardizer.Footprint(g.EdgeDim, t.LayerKernels[l]);
            var weights = new List<double>();
            for (int e = t.EdgeOffsets[l]; e < t.EdgeOffsets[l + 1]; e++)
                foreach (int d in footprint) weights.Add(g.EdgeFeatures[e * g.EdgeDim + d]);
            var biases = Enumerable.Range(t.NodeOffsets[l + 1], t.LayerSizes[l + 1]).Select(n => (double)g.NodeBias[n]).ToList();
            features.AddRange(Statistics(weights));
            features.AddRange(Statistics(biases));
        }
        return [.. features];
    }

    /// <summary>Mean, variance, and the 0, 25, 50, 75, 100 % quantiles (linear interpolation, as numpy's default).</summary>
    public static double[] Statistics(List<double> values)
    {
        if (values.Count == 0) return new double[7];
        var sorted = values.Order().ToArray();
        double mean = sorted.Average(), variance = sorted.Average(v => (v - mean) * (v - mean));
        double Q(double q)
        {
            double pos = q * (sorted.Length - 1);
            int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
            return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
        }
        return [mean, variance, Q(0), Q(0.25), Q(0.5), Q(0.75), Q(1)];
    }
}
