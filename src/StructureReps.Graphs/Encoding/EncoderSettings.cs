using System.Text.Json.Serialization;

namespace StructureReps.Graphs.Encoding;

// The encoder's choices as types. Files keep the spec's short names ("tc", "lf", "mean-max"): encoder files
// written before these enums existed read unchanged.

/// <summary>The node features: Laplacian eigenvectors (LF) or random features (RF).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NodeFeatureKind>))]
public enum NodeFeatureKind
{
    [JsonStringEnumMemberName("lf")] Laplacian,
    [JsonStringEnumMemberName("rf")] Random,
}

/// <summary>How node embeddings (μ) become one graph vector: their mean, or mean ‖ max.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PoolingKind>))]
public enum PoolingKind
{
    [JsonStringEnumMemberName("mean")] Mean,
    [JsonStringEnumMemberName("mean-max")] MeanMax,
}

public static class EncoderSettings
{
    /// <summary>The short name as in the paper's labels and the files: "lf", "rf".</summary>
    public static string ShortName(this NodeFeatureKind kind) => kind == NodeFeatureKind.Laplacian ? "lf" : "rf";

    /// <summary>--pooling's value: "mean" or "mean-max" (null for anything else).</summary>
    public static PoolingKind? ParsePooling(string name) => name switch
    {
        "mean" => PoolingKind.Mean,
        "mean-max" => PoolingKind.MeanMax,
        _ => null,
    };
}
