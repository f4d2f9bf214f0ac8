using System.Text.Json;
using StructureReps.Core;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Spectral;
using StructureReps.Nn.Serialization;
using StructureReps.Zoo.Models;

namespace StructureReps.Graphs.Featurization;

/// <summary>
/// Checkpoint → graph → node features as one saved object, in the manner of a fitted scikit-learn transformer: the
/// Laplacian options (Algorithm 1: k, weighted or binary, the solver's threshold, tolerance, restarts and seed), the
/// edge width every kernel is padded to, and the checkpoint naming contract. Random features (RF) follow from k and
/// the node index alone (<see cref="Features.RandomFeatures"/>). `graphs build` makes every graph with it and writes
/// it into graphs.json and each graph file; `encode train` copies it into the encoder file; `predict` and the native
/// library rebuild an unseen network's graph with the encoder's copy. A network is featurized one way, whichever
/// path it takes. (The per-layer edge standardization is fitted on the training graphs and saved with the encoder.)
/// </summary>
public sealed record Featurizer
{
    public const string CurrentFormat = "structurereps-featurizer-1";

    public string Format { get; init; } = CurrentFormat;
    /// <summary>Laplacian eigenvectors (and random features) per node.</summary>
    public int K { get; init; } = 8;
    /// <summary>Entry of M: the L2 norm of the edge feature (true) or 1 (false, "binary").</summary>
    public bool Weighted { get; init; } = true;
    public int DenseThreshold { get; init; } = 2000;
    public double Tolerance { get; init; } = 1e-6;
    public int MaxRestarts { get; init; } = 200;
    public ulong LanczosSeed { get; init; }
    /// <summary>
    /// The edge feature width: the widest kernel's k² (1 for MLPs); narrower kernels are zero-padded, centred.
    /// </summary>
    public int EdgeDim { get; init; } = 1;
    /// <summary>
    /// The weight layers' names the graphs were read under (<see cref="CheckpointNaming.Contract"/>).
    /// </summary>
    public string Naming { get; init; } = CheckpointNaming.Contract;

    public static Featurizer From(PeOptions pe, int edgeDim) => new()
    {
        K = pe.K, Weighted = pe.Weighted, DenseThreshold = pe.DenseThreshold, Tolerance = pe.Tolerance,
        MaxRestarts = pe.MaxRestarts, LanczosSeed = pe.Seed, EdgeDim = edgeDim,
    };

    [System.Text.Json.Serialization.JsonIgnore]
    public PeOptions Pe => new()
    {
        K = K, Weighted = Weighted, DenseThreshold = DenseThreshold, Tolerance = Tolerance, MaxRestarts = MaxRestarts,
        Seed = LanczosSeed,
    };

    /// <summary>
    /// One checkpoint's graph with its Laplacian features; <paramref name="source"/> names the file in errors.
    /// </summary>
    public (NetworkGraph Graph, string PeMethod) Graph(Architecture architecture, IReadOnlyList<NamedArray> tensors,
        CheckpointTargets targets, string source, LayeredTopology? topology = null)
    {
        var graph = GraphBuilder.Build(architecture, tensors, EdgeDim, targets, source, topology);
        var pe = LaplacianPe.Compute(graph, Pe);
        graph.PositionalEncoding = pe.Features;
        graph.Eigenvalues = pe.Eigenvalues;
        return (graph, pe.Method);
    }

    /// <summary>RF features of a graph of <paramref name="nodes"/> nodes (spec §4).</summary>
    public float[] RandomFeatures(int nodes) => Features.RandomFeatures.Compute(nodes, K);

    /// <summary>What is wrong with a featurizer read from a file, or null.</summary>
    public string? Problem()
    {
        if (Format != CurrentFormat) return $"format '{Format}', expected '{CurrentFormat}'";
        if (Naming != CheckpointNaming.Contract) return $"naming '{Naming}', expected '{CheckpointNaming.Contract}'";
        if (K < 1) return $"k {K}, expected ≥ 1";
        if (EdgeDim < 1 || (int)Math.Round(Math.Sqrt(EdgeDim)) is var r && r * r != EdgeDim)
            return $"edge_dim {EdgeDim}, expected a square ≥ 1";
        if (DenseThreshold < 0 || MaxRestarts < 1 || !(Tolerance > 0) || !double.IsFinite(Tolerance))
            return $"dense_threshold {DenseThreshold}, max_restarts {MaxRestarts}, tolerance {Tolerance}: " +
                $"expected ≥ 0, ≥ 1, a finite number > 0";
        return null;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Encoding.EncoderJson.Default.Featurizer);

    /// <summary>
    /// Reads a featurizer; a malformed one names <paramref name="path"/> and <paramref name="field"/>.
    /// </summary>
    public static Featurizer Parse(string json, string path, string field)
    {
        Featurizer? f;
        try { f = JsonSerializer.Deserialize(json, Encoding.EncoderJson.Default.Featurizer); }
        catch (JsonException e) { throw new DataFormatException(path, field, $"not a featurizer ({e.Message})"); }
        if (f is null) throw new DataFormatException(path, field, "null, expected a featurizer");
        if (f.Problem() is { } problem) throw new DataFormatException(path, field, problem);
        return f;
    }

    public override string ToString() =>
        $"LF k = {K} ({(Weighted ? "weighted" : "binary")}), edge width {EdgeDim}, " +
        $"iterative eigen solver from {DenseThreshold} nodes";
}
