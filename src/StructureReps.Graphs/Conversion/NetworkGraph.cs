namespace StructureReps.Graphs.Conversion;

/// <summary>What is decoded from a checkpoint (spec §7): its performance and loss, and when it was taken.</summary>
public sealed record CheckpointTargets(int Run, int Epoch, double TrainPerformance, double TestPerformance, double TrainLoss, double TestLoss);

/// <summary>
/// One checkpoint as a graph (spec §3): nodes are neurons (MLP) or channels and classes (CNN), forward edges
/// carry the weights as features of width <see cref="EdgeDim"/> ([E, D] row-major), biases are node attributes
/// (0 on input nodes). <see cref="PositionalEncoding"/> holds the LF features [N, k] in the inference sign
/// convention, when computed.
/// </summary>
public sealed class NetworkGraph
{
    public NetworkGraph(LayeredTopology topology, int edgeDim, float[] edgeFeatures, float[] nodeBias, CheckpointTargets targets)
    {
        if (edgeFeatures.Length != topology.EdgeCount * edgeDim)
            throw new ArgumentException($"edge features hold {edgeFeatures.Length} values, expected {topology.EdgeCount} edges × {edgeDim}");
        if (nodeBias.Length != topology.NodeCount)
            throw new ArgumentException($"node biases hold {nodeBias.Length} values, expected {topology.NodeCount} nodes");
        Topology = topology;
        EdgeDim = edgeDim;
        EdgeFeatures = edgeFeatures;
        NodeBias = nodeBias;
        Targets = targets;
    }

    public LayeredTopology Topology { get; }
    public int NodeCount => Topology.NodeCount;
    public int EdgeCount => Topology.EdgeCount;
    public int EdgeDim { get; }
    public float[] EdgeFeatures { get; }
    public float[] NodeBias { get; }
    public CheckpointTargets Targets { get; }

    /// <summary>LF features [N, k] (largest-|·| entry of each eigenvector positive), or null before they are computed.</summary>
    public float[]? PositionalEncoding { get; set; }

    /// <summary>The eigenvalues belonging to <see cref="PositionalEncoding"/>'s columns (NaN for zero padding).</summary>
    public double[]? Eigenvalues { get; set; }

    /// <summary>L2 norm of each edge's feature: the weighted Laplacian's entries (spec §4).</summary>
    public double[] EdgeNorms()
    {
        var norms = new double[EdgeCount];
        for (int e = 0; e < EdgeCount; e++)
        {
            double s = 0;
            for (int d = 0; d < EdgeDim; d++) { double v = EdgeFeatures[e * EdgeDim + d]; s += v * v; }
            norms[e] = Math.Sqrt(s);
        }
        return norms;
    }

    public override string ToString() =>
        $"NetworkGraph(run {Targets.Run}, epoch {Targets.Epoch}: {NodeCount} nodes in layers [{string.Join(", ", Topology.LayerSizes)}], {EdgeCount} edges × {EdgeDim})";
}
