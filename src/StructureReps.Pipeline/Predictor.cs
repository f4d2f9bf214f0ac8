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
        string sha = Zoo.Data.DataFiles.Sha256(encoderPath);
        if (sha != probe.EncoderSha256)
            throw new InvalidOperationException($"{probePath}: fitted on the embeddings of another encoder than {encoderPath} (SHA-256 {sha[..12]}…, the probe's {probe.EncoderSha256[..12]}…)");
        var encoder = EncoderFile.Read(encoderPath, backend);
        var train = RidgeProbe.From(probe.Train);
        var test = RidgeProbe.From(probe.Test);
        var predictions = new List<Prediction>();
        foreach (var path in checkpoints)
        {
            var (arch, tensors) = ForeignNetwork.Read(path, inputSize);
            var z = Embedder.EmbedNetwork(encoder, arch, tensors, path);
            if (z.Length != probe.Dimensions)
                throw new InvalidOperationException($"{probePath}: a probe of {probe.Dimensions} features, the encoder gives {z.Length}");
            var x = z.Select(v => (double)v).ToArray();
            predictions.Add(new Prediction(path, arch.ToString(), train.Predict(x), test.Predict(x), z));
        }
        return predictions;
    }
}
