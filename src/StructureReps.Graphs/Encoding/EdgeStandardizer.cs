using StructureReps.Graphs.Conversion;

namespace StructureReps.Graphs.Encoding;

/// <summary>
/// Per-layer standardization of edge features (spec §3, on by default): for weight layer l, the mean and
/// standard deviation of its weights over the training graphs, taken over each layer's own k×k footprint (the
/// zero padding of smaller kernels is neither counted nor shifted). A layer index unseen in training (a deeper
/// variant) uses the statistics of all layers. Saved with the encoder, so embedding uses the training statistics.
/// </summary>
public sealed record EdgeStandardizer(double[] Mean, double[] Std, double GlobalMean, double GlobalStd)
{
    /// <summary>No standardization (the paper's "none").</summary>
    public static EdgeStandardizer Identity { get; } = new([], [], 0, 1);

    public bool IsIdentity => Mean.Length == 0 && GlobalMean == 0 && GlobalStd == 1;

    public static EdgeStandardizer Fit(IEnumerable<NetworkGraph> training)
    {
        var sum = new List<double>();
        var sq = new List<double>();
        var count = new List<long>();
        double gs = 0, gq = 0;
        long gc = 0;
        foreach (var g in training)
        {
            var t = g.Topology;
            for (int l = 0; l < t.WeightLayers; l++)
            {
                while (sum.Count <= l) { sum.Add(0); sq.Add(0); count.Add(0); }
                foreach (int e in Enumerable.Range(t.EdgeOffsets[l], t.EdgeOffsets[l + 1] - t.EdgeOffsets[l]))
                    foreach (int d in Footprint(g.EdgeDim, t.LayerKernels[l]))
                    {
                        double v = g.EdgeFeatures[e * g.EdgeDim + d];
                        sum[l] += v; sq[l] += v * v; count[l]++;
                        gs += v; gq += v * v; gc++;
                    }
            }
        }
        if (gc == 0) throw new InvalidOperationException("edge standardization: no training graphs with edges");
        static double Std(double s, double q, long c) => Math.Max(Math.Sqrt(Math.Max(q / c - (s / c) * (s / c), 0)), 1e-8);
        return new EdgeStandardizer(
            sum.Select((s, l) => s / count[l]).ToArray(),
            sum.Select((s, l) => Std(s, sq[l], count[l])).ToArray(),
            gs / gc, Std(gs, gq, gc));
    }

    /// <summary>The standardized features of <paramref name="g"/> ([E, D], padding left at 0).</summary>
    public float[] Apply(NetworkGraph g)
    {
        if (IsIdentity) return g.EdgeFeatures;
        var t = g.Topology;
        var result = new float[g.EdgeFeatures.Length];
        for (int l = 0; l < t.WeightLayers; l++)
        {
            double mean = l < Mean.Length ? Mean[l] : GlobalMean, std = l < Std.Length ? Std[l] : GlobalStd;
            var footprint = Footprint(g.EdgeDim, t.LayerKernels[l]);
            for (int e = t.EdgeOffsets[l]; e < t.EdgeOffsets[l + 1]; e++)
                foreach (int d in footprint)
                    result[e * g.EdgeDim + d] = (float)((g.EdgeFeatures[e * g.EdgeDim + d] - mean) / std);
        }
        return result;
    }

    /// <summary>Positions of a centred k×k kernel inside a flattened K×K feature (K² = edgeDim).</summary>
    public static int[] Footprint(int edgeDim, int k)
    {
        int kMax = (int)Math.Round(Math.Sqrt(edgeDim)), pad = (kMax - k) / 2;
        var result = new int[k * k];
        for (int r = 0; r < k; r++)
            for (int c = 0; c < k; c++) result[r * k + c] = (r + pad) * kMax + c + pad;
        return result;
    }
}
