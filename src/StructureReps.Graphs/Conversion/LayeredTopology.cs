namespace StructureReps.Graphs.Conversion;

/// <summary>
/// The node and edge layout shared by every checkpoint of one architecture: layers of nodes (MLP: neurons;
/// CNN: channels, then one node per class), each layer fully connected to the next. Edge e of weight layer l
/// joins input i to output o in the order of PyTorch's weight [out, in] (row-major), so a checkpoint's weights
/// map onto edges without an index table — the topology is rebuilt from the layer sizes, never stored.
/// </summary>
public sealed class LayeredTopology
{
    public LayeredTopology(int[] layerSizes, int[]? layerKernels = null)
    {
        if (layerSizes.Length < 2 || layerSizes.Any(s => s < 1))
            throw new ArgumentException($"a layered graph needs ≥ 2 layers of ≥ 1 node, got [{string.Join(", ", layerSizes)}]");
        LayerSizes = (int[])layerSizes.Clone();
        LayerKernels = layerKernels ?? Enumerable.Repeat(1, layerSizes.Length - 1).ToArray();
        if (LayerKernels.Length != layerSizes.Length - 1)
            throw new ArgumentException($"{LayerKernels.Length} kernel sizes for {layerSizes.Length - 1} weight layers");
        NodeOffsets = new int[layerSizes.Length + 1];
        for (int l = 0; l < layerSizes.Length; l++) NodeOffsets[l + 1] = NodeOffsets[l] + layerSizes[l];
        EdgeOffsets = new int[layerSizes.Length];
        for (int l = 0; l + 1 < layerSizes.Length; l++) EdgeOffsets[l + 1] = EdgeOffsets[l] + layerSizes[l] * layerSizes[l + 1];
        int edges = EdgeOffsets[^1];
        Source = new int[edges];
        Target = new int[edges];
        EdgeLayer = new int[edges];
        int e = 0;
        for (int l = 0; l + 1 < layerSizes.Length; l++)
            for (int o = 0; o < layerSizes[l + 1]; o++)
                for (int i = 0; i < layerSizes[l]; i++, e++)
                {
                    Source[e] = NodeOffsets[l] + i;
                    Target[e] = NodeOffsets[l + 1] + o;
                    EdgeLayer[e] = l;
                }
        NodeLayer = new int[NodeCount];
        for (int l = 0; l < layerSizes.Length; l++)
            for (int n = NodeOffsets[l]; n < NodeOffsets[l + 1]; n++) NodeLayer[n] = l;
    }

    /// <summary>Nodes per layer, input layer first.</summary>
    public int[] LayerSizes { get; }

    /// <summary>Kernel size k of each weight layer (1 for Linear layers): the k×k footprint inside the padded edge feature.</summary>
    public int[] LayerKernels { get; }

    /// <summary>First node of each layer, plus the node count at the end.</summary>
    public int[] NodeOffsets { get; }

    /// <summary>First edge of each weight layer (layer l joins node layers l and l + 1), plus the edge count.</summary>
    public int[] EdgeOffsets { get; }

    public int NodeCount => NodeOffsets[^1];
    public int EdgeCount => Source.Length;
    public int WeightLayers => LayerSizes.Length - 1;

    /// <summary>Forward (network-direction) edges: source node, target node and weight layer of each.</summary>
    public int[] Source { get; }
    public int[] Target { get; }
    public int[] EdgeLayer { get; }
    public int[] NodeLayer { get; }
}
