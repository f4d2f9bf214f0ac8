using StructureReps.Core;

namespace StructureReps.Graphs.Layers;

/// <summary>
/// The edges messages travel along (PyG's edge_index, j → i): source and target node of each edge, and the
/// node count. Index tensors cache their CSR groupings, so a graph's segment structure is built once.
/// </summary>
public sealed class MessageGraph
{
    public MessageGraph(int nodes, int[] source, int[] target)
    {
        if (source.Length != target.Length) throw new ArgumentException($"{source.Length} sources but {target.Length} targets");
        for (int e = 0; e < source.Length; e++)
            if ((uint)source[e] >= (uint)nodes || (uint)target[e] >= (uint)nodes)
                throw new ArgumentOutOfRangeException(nameof(source), $"edge {e} ({source[e]} → {target[e]}) names a node outside [0, {nodes})");
        Nodes = nodes;
        Source = new IndexTensor(source);
        Target = new IndexTensor(target);
    }

    private readonly Dictionary<Type, object> _derived = [];

    /// <summary>
    /// A structure a layer derives from this graph (GATConv's self-loop graph), built on first use and shared by
    /// every layer that asks for it while the graph lives (a batch: one training step, or one embedding batch).
    /// </summary>
    public T Derived<T>(Func<MessageGraph, T> build) where T : class
    {
        lock (_derived)
        {
            if (_derived.TryGetValue(typeof(T), out var cached)) return (T)cached;
            var made = build(this);
            _derived[typeof(T)] = made;
            return made;
        }
    }

    public int Nodes { get; }
    public IndexTensor Source { get; }
    public IndexTensor Target { get; }
    public int Edges => Source.Length;
}
