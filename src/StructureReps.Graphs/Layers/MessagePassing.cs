using StructureReps.Core;

namespace StructureReps.Graphs.Layers;

/// <summary>How the messages arriving at a node are combined.</summary>
public enum Aggregation
{
    Sum,
    Mean,
    Max,
}

/// <summary>
/// The steps of PyG's <c>MessagePassing.propagate</c> as engine ops on a <see cref="MessageGraph"/>, for a layer of
/// one's own: <see cref="Sources"/> and <see cref="Targets"/> lift node rows onto the edges (x_j and x_i), a layer
/// forms its messages from them (and the edge features), and <see cref="Aggregate"/> combines each node's incoming
/// messages. Every step has its backward rule, so a layer written this way trains as it is. (TransformerConv and
/// GATConv use the fused attention ops instead: they never build per-edge rows of the hidden width.)
/// </summary>
public static class MessagePassing
{
    /// <summary>x_j: the source node's row of <paramref name="x"/> for every edge, [E, C].</summary>
    public static Tensor Sources(Tensor x, MessageGraph g) => Ops.IndexSelect(x, g.Source);

    /// <summary>x_i: the target node's row of <paramref name="x"/> for every edge, [E, C].</summary>
    public static Tensor Targets(Tensor x, MessageGraph g) => Ops.IndexSelect(x, g.Target);

    /// <summary>
    /// Each node's incoming messages [E, C] combined into [N, C] (a node without messages gets zeros).
    /// </summary>
    public static Tensor Aggregate(Tensor messages, MessageGraph g, Aggregation aggregation) => aggregation switch
    {
        Aggregation.Sum => Ops.ScatterAdd(messages, g.Target, g.Nodes),
        Aggregation.Mean => Ops.SegmentMean(messages, g.Target, g.Nodes),
        Aggregation.Max => Ops.SegmentMax(messages, g.Target, g.Nodes),
        _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "aggregation"),
    };

    /// <summary>propagate with the identity message: Σ / mean / max over incoming j of x_j.</summary>
    public static Tensor Propagate(Tensor x, MessageGraph g, Aggregation aggregation) =>
        Aggregate(Sources(x, g), g, aggregation);
}
