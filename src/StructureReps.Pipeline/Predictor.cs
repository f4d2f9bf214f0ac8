using StructureReps.Core.Backends;
using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Encoding;
using StructureReps.Zoo.Import;

namespace StructureReps.Pipeline;

/// <summary>One network's predicted performance, and the embedding it was read from.</summary>
public sealed record Prediction(string Checkpoint, string Network, double Train, double Test, float[] Embedding);

/// <summary>
/// `predict`: unseen networks' performance from their weights alone. Each checkpoint (ours or a PyTorch state_dict,
/// <see cref="ForeignNetwork"/>) becomes a graph with the encoder's Laplacian features, is embedded by the trained
/// encoder, and the saved probe reads its train and test performance from the embedding.
/// </summary>
public static class Predictor
{
    public static List<Prediction> Predict(string encoderPath, string probePath, IReadOnlyList<string> checkpoints, IBackend backend, int[]? inputSize = null)
    {
        var probe = SavedProbe.Read(probePath);
        var encoder = EncoderFile.Read(encoderPath, backend);
        if (probe.MismatchWith(Zoo.Data.DataFiles.Sha256(encoderPath), encoder.Config.EmbeddingWidth) is { } mismatch)
            throw new InvalidOperationException($"{probePath}: {mismatch}; encoder {encoderPath}");
        var train = RidgeProbe.From(probe.Train);
        var test = RidgeProbe.From(probe.Test);
        var predictions = new List<Prediction>();
        foreach (var path in checkpoints)
        {
            var (arch, tensors) = ForeignNetwork.Read(path, inputSize);
            var z = Embedder.EmbedNetwork(encoder, arch, tensors, path);
            if (z.Length != probe.Dimensions) // checked above from the configuration; this is the embedding itself
                throw new InvalidOperationException(
                    $"{path}: an embedding of {z.Length} values, the probe takes {probe.Dimensions}");
            var x = z.Select(v => (double)v).ToArray();
            predictions.Add(new Prediction(path, arch.ToString(), train.Predict(x), test.Predict(x), z));
        }
        return predictions;
    }
}
