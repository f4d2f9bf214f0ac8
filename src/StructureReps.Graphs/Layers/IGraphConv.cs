using StructureReps.Core;

namespace StructureReps.Graphs.Layers;

/// <summary>
/// A message-passing layer the encoder stacks, x [N, in] → [N, out] over a message graph with edge features, as
/// PyG's convolutions share <c>forward(x, edge_index, edge_attr)</c>. <paramref name="loops"/>: GATConv's self-loop
/// graph when the caller has one (null: the layer takes it from <see cref="MessageGraph.Derived{T}"/>); others ignore it.
/// </summary>
public interface IGraphConv
{
    Tensor Forward(Tensor x, MessageGraph g, Tensor? edgeAttr, Rng? rng, SelfLoopCache? loops);
}
