namespace StructureReps.Graphs.Features;

/// <summary>
/// RF node features (spec §4): k i.i.d. N(0, 1) values per node, drawn from a stream seeded by the node's index
/// alone, so every checkpoint of one architecture (and every architecture sharing a node index) gets the same
/// features — they identify positions, not weights.
/// </summary>
public static class RandomFeatures
{
    public static float[] Compute(int nodes, int k, ulong seed = 0)
    {
        var features = new float[nodes * k];
        for (int i = 0; i < nodes; i++)
        {
            var rng = Core.Rng.Derive(seed, (ulong)i);
            for (int c = 0; c < k; c++) features[i * k + c] = (float)rng.NextGaussian();
        }
        return features;
    }
}
