using StructureReps.Core;

namespace StructureReps.Graphs.Layers;

/// <summary>What one message-passing layer of the encoder is built from.</summary>
/// <param name="Concat">Whether the heads' outputs are concatenated (the hidden layer) or averaged (the μ and logσ
/// heads).</param>
public sealed record GraphLayerArgs(int In, int Out, int Heads, bool Concat, float AttentionDropout, int EdgeDim,
    Rng Rng, Core.Backends.IBackend? Backend);

/// <summary>
/// A kind of message-passing layer: its name in encoder files and on the command line, the paper's label, and how to
/// build one.
/// </summary>
public sealed record GraphLayerKind(string Name, string Label, Func<GraphLayerArgs, IGraphConv> Create);

/// <summary>
/// The registry of the encoder's message-passing layers by name. A new layer is its own file (a Module implementing
/// <see cref="IGraphConv"/>, with <see cref="MessageGraph.Derived{T}"/> for any structure it derives from the graph,
/// as GATConv's self-loops) and one <see cref="Register"/>: the encoder builds it from a configuration's
/// <c>conv</c> name, saves and reloads it, and labels it.
/// </summary>
public static class GraphLayers
{
    private static readonly Dictionary<string, GraphLayerKind> Kinds = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>PyG's TransformerConv (spec §5): "tc", TC.</summary>
    public static readonly GraphLayerKind Transformer = Register(new("tc", "TC",
        a => new TransformerConv(a.In, a.Out, a.Rng, a.Heads, a.Concat, dropout: a.AttentionDropout, edgeDim: a.EdgeDim,
            backend: a.Backend)));

    /// <summary>PyG's GATConv with edge features and mean-filled self-loops (spec §5): "gc", GC.</summary>
    public static readonly GraphLayerKind Gat = Register(new("gc", "GC",
        a => new GatConv(a.In, a.Out, a.Rng, a.Heads, a.Concat, a.AttentionDropout, a.EdgeDim, a.Backend)));

    /// <summary>Adds a layer kind; a name already taken by another kind is refused.</summary>
    public static GraphLayerKind Register(GraphLayerKind kind)
    {
        lock (Gate)
        {
            if (Kinds.TryGetValue(kind.Name, out var existing) && existing != kind)
                throw new ArgumentException($"graph layer '{kind.Name}' is registered already");
            Kinds[kind.Name] = kind;
        }
        return kind;
    }

    public static GraphLayerKind Get(string name)
    {
        lock (Gate)
            return Kinds.TryGetValue(name, out var kind) ? kind
                : throw new ArgumentException($"graph layer '{name}' is not one of {string.Join(", ", Kinds.Keys)}");
    }

    public static IReadOnlyList<string> Names
    {
        get { lock (Gate) return [.. Kinds.Keys]; }
    }
}
