using System.Text.Json;
using System.Text.Json.Serialization;

namespace StructureReps.Decoding.Probing;

/// <summary>
/// A probe saved by `decode --save-probe`: one ridge probe per target (train and test performance), fitted on
/// every row of an embeddings file, and the identity of the encoder that made those embeddings (its file's
/// SHA-256), so `predict` refuses an encoder the probe was not fitted for. JSON.
/// </summary>
/// <param name="Performance">What the targets measure: "accuracy", "r2", or "" when unknown (an imported zoo's
/// other metric; files older than it). <see cref="ProbeReader"/> holds predictions to its bounds.</param>
/// <param name="TrainRange">The span of the train targets fitted on (null in files older than it); likewise
/// <paramref name="TestRange"/>.</param>
public sealed record SavedProbe(
    string Format, string EncoderSha256, string EncoderName, int EncoderEpoch, int Dimensions, string Performance,
    int Rows, double Lambda, ProbeState Train, ProbeState Test, string FittedOn,
    TargetRange? TrainRange = null, TargetRange? TestRange = null)
{
    public const string FormatName = "structurereps-probe-1";

    public string ToJson() => JsonSerializer.Serialize(this, ProbeJson.Default.SavedProbe);

    /// <summary>
    /// Why this probe cannot read an encoder's embeddings, or null when it can: it was fitted on another encoder's
    /// (its file's SHA-256 differs), or the encoder's embeddings have another width. Shared by `predict` and the
    /// native library, which wrap it in their own error.
    /// </summary>
    public string? MismatchWith(string encoderSha256, int embeddingWidth)
    {
        if (EncoderSha256 != encoderSha256)
            return $"fitted on the embeddings of another encoder (SHA-256 {EncoderSha256[..12]}…, "
                + $"this encoder's {encoderSha256[..12]}…)";
        if (Dimensions != embeddingWidth)
            return $"a probe of {Dimensions} features, the encoder gives {embeddingWidth}";
        return null;
    }

    /// <summary>Reads and checks a saved probe; a bad file fails naming it.</summary>
    public static SavedProbe Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such probe file (write one with decode --save-probe)", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads and checks a probe's JSON text; <paramref name="path"/> names it in errors.</summary>
    public static SavedProbe Parse(string json, string path)
    {
        SavedProbe? p;
        try { p = JsonSerializer.Deserialize(json, ProbeJson.Default.SavedProbe); }
        catch (JsonException e) { throw new Core.DataFormatException(path, "probe", $"not a probe file ({e.Message})"); }
        if (p is null || p.Format != FormatName) throw new Core.DataFormatException(path, "format", $"'{p?.Format}', expected '{FormatName}'");
        if (p.EncoderSha256 is not { Length: 64 }) throw new Core.DataFormatException(path, "encoder_sha256", "missing or not a SHA-256");
        foreach (var (name, s) in new[] { ("train", p.Train), ("test", p.Test) })
        {
            try
            {
                if (s is null) throw new ArgumentException("missing");
                int d = RidgeProbe.From(s).Dimensions;
                if (d != p.Dimensions) throw new ArgumentException($"{d} weights, dimensions says {p.Dimensions}");
            }
            catch (ArgumentException e) { throw new Core.DataFormatException(path, name, e.Message); }
        }
        foreach (var (name, r) in new[] { ("train_range", p.TrainRange), ("test_range", p.TestRange) })
            if (r is not null && !(double.IsFinite(r.Min) && double.IsFinite(r.Max) && r.Min <= r.Max))
                throw new Core.DataFormatException(path, name, $"[{r.Min}, {r.Max}]: expected finite min ≤ max");
        return p;
    }
}

/// <summary>probe.json, source-generated (no reflection, so the NativeAOT library reads it too).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(SavedProbe))]
internal sealed partial class ProbeJson : JsonSerializerContext;
