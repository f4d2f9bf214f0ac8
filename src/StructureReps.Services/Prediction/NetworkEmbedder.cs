using System.Security.Cryptography;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Graphs.Encoding;
using StructureReps.Nn.Serialization;
using StructureReps.Zoo.Import;
using StructureReps.Zoo.Models;

namespace StructureReps.Services.Prediction;

/// <summary>
/// An encoder opened to embed unseen networks: checkpoint tensors (ours or a PyTorch state_dict) → the graph its
/// featurizer makes → the embedding. <see cref="Sha256"/> is the encoder file's identity, which a saved probe is
/// tied to. Calls are serialized (the model's buffers are not shared safely between threads).
/// </summary>
public sealed class NetworkEmbedder
{
    private readonly Lock _gate = new();

    private NetworkEmbedder(TrainedEncoder encoder, string sha256, string source)
    {
        Encoder = encoder;
        Sha256 = sha256;
        Source = source;
    }

    public TrainedEncoder Encoder { get; }

    /// <summary>The SHA-256 of the encoder file's bytes, lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>The encoder file's path (or a name for its bytes), for messages.</summary>
    public string Source { get; }

    public int Dimensions => Encoder.Config.EmbeddingWidth;

    public static NetworkEmbedder Open(string path, IBackend backend)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such encoder file", path);
        return Open(File.ReadAllBytes(path), path, backend);
    }

    /// <summary>
    /// Opens an encoder from its file's bytes; <paramref name="source"/> names it in errors. An encoder file without
    /// a featurizer record (written before encoders kept one) is refused: the features its training graphs had, and
    /// so the graph an unseen network must become, cannot be known.
    /// </summary>
    public static NetworkEmbedder Open(byte[] bytes, string source, IBackend backend)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        var encoder = EncoderFile.Read(stream, source, backend);
        encoder.RequireFeaturizer(source);
        return new NetworkEmbedder(encoder, Convert.ToHexStringLower(SHA256.HashData(bytes)), source);
    }

    /// <summary>
    /// One network's architecture (as read) and embedding; <paramref name="source"/> names it in errors.
    /// </summary>
    public (Architecture Architecture, float[] Embedding) Embed(List<NamedArray> tensors, string source,
        int[]? inputSize = null)
    {
        var (architecture, ours) = ForeignNetwork.Read(tensors, source, inputSize);
        float[] z;
        lock (_gate) z = Embedder.EmbedNetwork(Encoder, architecture, ours, source);
        if (z.Length != Dimensions)
            throw new InvalidOperationException(
                $"{source}: an embedding of {z.Length} values, the encoder gives {Dimensions}");
        return (architecture, z);
    }
}
