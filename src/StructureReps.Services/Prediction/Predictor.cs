using StructureReps.Core.Backends;
using StructureReps.Decoding.Probing;
using StructureReps.Nn.Serialization;

namespace StructureReps.Services.Prediction;

/// <summary>One network's predicted performance, and the embedding it was read from.</summary>
/// <param name="Train">The predicted train performance, held to what the performance can be and marked when outside
/// the targets the probe was fitted on (<see cref="PredictedValue"/>); likewise <paramref name="Test"/>.</param>
public sealed record Prediction(string Checkpoint, string Network, PredictedValue Train, PredictedValue Test,
    float[] Embedding);

/// <summary>
/// `predict`: unseen networks' performance from their weights alone. An encoder and the probe fitted on its
/// embeddings (tied by the encoder file's SHA-256); each checkpoint becomes a graph by the encoder's featurizer, is
/// embedded, and the probe reads its train and test performance. The native library composes the same two parts.
/// </summary>
public sealed class Predictor
{
    private Predictor(NetworkEmbedder embedder, ProbeReader probe)
    {
        Embedder = embedder;
        Probe = probe;
    }

    public NetworkEmbedder Embedder { get; }
    public ProbeReader Probe { get; }

    public static Predictor Open(string encoderPath, string probePath, IBackend backend)
    {
        var embedder = NetworkEmbedder.Open(encoderPath, backend);
        var probe = SavedProbe.Read(probePath);
        return new Predictor(embedder, Bind(embedder, probe, probePath));
    }

    /// <summary>
    /// The probe as a reader of this embedder's embeddings; refused when it was fitted on another encoder's.
    /// </summary>
    public static ProbeReader Bind(NetworkEmbedder embedder, SavedProbe probe, string probeSource)
    {
        if (probe.MismatchWith(embedder.Sha256, embedder.Dimensions) is { } mismatch)
            throw new ProbeMismatchException($"{probeSource}: {mismatch}; encoder {embedder.Source}");
        return new ProbeReader(probe);
    }

    public Prediction Predict(string checkpoint, int[]? inputSize = null)
    {
        if (!File.Exists(checkpoint)) throw new FileNotFoundException($"{checkpoint}: no such checkpoint", checkpoint);
        return Predict(SafeTensors.Read(checkpoint).Tensors, checkpoint, inputSize);
    }

    public Prediction Predict(List<NamedArray> tensors, string source, int[]? inputSize = null)
    {
        var (architecture, z) = Embedder.Embed(tensors, source, inputSize);
        var (train, test) = Probe.Predict([.. z.Select(v => (double)v)]);
        return new Prediction(source, architecture.ToString(), train, test, z);
    }

    /// <summary>Every checkpoint's prediction, in order.</summary>
    public static List<Prediction> Predict(string encoderPath, string probePath, IReadOnlyList<string> checkpoints,
        IBackend backend, int[]? inputSize = null)
    {
        var predictor = Open(encoderPath, probePath, backend);
        return [.. checkpoints.Select(c => predictor.Predict(c, inputSize))];
    }
}

/// <summary>A probe and an encoder that do not belong together (fitted on another encoder's embeddings).</summary>
public sealed class ProbeMismatchException(string message) : InvalidOperationException(message);
