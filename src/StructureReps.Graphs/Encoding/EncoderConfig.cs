namespace StructureReps.Graphs.Encoding;

/// <summary>
/// An encoder configuration (spec §4–§6). The four of Tables 1–2 by name: ea-tc-lf (StructureReps), ea-gc-lf,
/// gc-lf, gc-rf. Everything else has the spec's defaults and can be changed.
/// </summary>
public sealed record EncoderConfig
{
    public required string Name { get; init; }
    public bool EdgeAttention { get; init; }
    /// <summary>The message-passing layer, by its registered name (<see cref="Layers.GraphLayers"/>): "tc", "gc", ….</summary>
    public string Conv { get; init; } = Layers.GraphLayers.Transformer.Name;
    public NodeFeatureKind Features { get; init; } = NodeFeatureKind.Laplacian;
    public int K { get; init; } = 8;
    public int Hidden { get; init; } = 32;
    public int Latent { get; init; } = 16;
    public int Heads { get; init; } = 1;
    public float AttentionDropout { get; init; }
    public float EdgeNoise { get; init; } = 0.1f;
    public bool Undirected { get; init; } = true;
    public bool StandardizeEdges { get; init; } = true;
    public PoolingKind Pooling { get; init; } = PoolingKind.Mean;
    public string Decoder { get; init; } = "inner";    // inner (the paper's) | bilinear | distance (Layers/PairDecoders.cs)
    public int Epochs { get; init; } = 200;
    public int BatchGraphs { get; init; } = 32;
    public float LearningRate { get; init; } = 0.01f;
    public ulong Seed { get; init; }

    /// <summary>The configurations by name: the paper's four, in the order of its tables.</summary>
    private static readonly (string Name, EncoderConfig Config)[] Presets =
    [
        ("ea-tc-lf", new() { Name = "ea-tc-lf", EdgeAttention = true, Conv = "tc", Features = NodeFeatureKind.Laplacian }),
        ("ea-gc-lf", new() { Name = "ea-gc-lf", EdgeAttention = true, Conv = "gc", Features = NodeFeatureKind.Laplacian }),
        ("gc-lf", new() { Name = "gc-lf", EdgeAttention = false, Conv = "gc", Features = NodeFeatureKind.Laplacian }),
        ("gc-rf", new() { Name = "gc-rf", EdgeAttention = false, Conv = "gc", Features = NodeFeatureKind.Random }),
    ];

    /// <summary>The named configurations (Tables 1–2's four, in their order).</summary>
    public static readonly string[] Names = [.. Presets.Select(p => p.Name)];

    /// <summary>
    /// One of <see cref="Names"/>, optionally with another pair decoder after a colon: "ea-tc-lf:distance" is the
    /// paper's EA+TC+LF encoder trained with the distance decoder (see Layers/PairDecoders.cs).
    /// </summary>
    public static EncoderConfig Named(string name)
    {
        int colon = name.IndexOf(':');
        if (colon < 0) return Base(name);
        string decoder = name[(colon + 1)..];
        if (!Layers.PairDecoder.Names.Contains(decoder))
            throw new ArgumentException($"encoder '{name}': decoder '{decoder}' is not one of {string.Join(", ", Layers.PairDecoder.Names)}");
        return Base(name[..colon]) with { Name = name, Decoder = decoder };
    }

    private static EncoderConfig Base(string name) =>
        Presets.FirstOrDefault(p => p.Name == name).Config ?? throw new ArgumentException($"encoder '{name}' is not one of {string.Join(", ", Names)}");

    /// <summary>The length of one graph's embedding: the latent width, doubled for mean ‖ max pooling (Embedder).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int EmbeddingWidth => Pooling == PoolingKind.MeanMax ? 2 * Latent : Latent;

    /// <summary>The paper's label, "EA+TC+LF"; another decoder than the paper's is named: "EA+TC+LF, bilinear".</summary>
    public string Label => (EdgeAttention ? "EA+" : "") + Layers.GraphLayers.Get(Conv).Label + "+" + Features.ShortName().ToUpperInvariant()
        + (Decoder == "inner" ? "" : ", " + Decoder);
}
