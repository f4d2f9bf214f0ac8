using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Features;

namespace StructureReps.Benchmark;

/// <summary>
/// StatNN's weight statistics (Unterthiner et al. 2020) as one fixed-length vector for zoos whose networks differ
/// in depth: per layer position the statistics of its weights and biases (Baselines.Statistics) and a presence flag;
/// the first layers keep their positions from the input, the last layer (the head) always takes the last slot, and
/// absent layers are zeros. On a zoo of one depth it is the per-layer StatNN vector with a constant flag per layer.
/// </summary>
public static class StatNnSummary
{
    public const int PerSlot = 15;

    /// <summary>The slot count for a zoo: its deepest network's weight layers.</summary>
    public static int Slots(IEnumerable<NetworkGraph> graphs) => graphs.Max(g => g.Topology.WeightLayers);

    public static double[] Of(NetworkGraph g, int slots)
    {
        var perLayer = Baselines.StatNn(g); // 14 per weight layer, input to output
        int layers = g.Topology.WeightLayers;
        if (layers > slots) throw new ArgumentException($"{g}: {layers} weight layers, more than the {slots} slots");
        var features = new double[slots * PerSlot];
        for (int l = 0; l < layers; l++)
        {
            int slot = l == layers - 1 ? slots - 1 : l;
            Array.Copy(perLayer, l * 14, features, slot * PerSlot, 14);
            features[slot * PerSlot + 14] = 1;
        }
        return features;
    }
}
