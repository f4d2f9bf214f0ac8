using System.Text.Json;
using System.Text.Json.Serialization;

namespace StructureReps.Decoding.Probing;

/// <summary>
/// A probe saved by `decode --save-probe`: one ridge probe per target (train and test performance), fitted on
/// every row of an embeddings file, and the identity of the encoder that made those embeddings (its file's
/// SHA-256), so `predict` refuses an encoder the probe was not fitted for. JSON.
/// </summary>
public sealed record SavedProbe(
    string Format, string EncoderSha256, string EncoderName, int EncoderEpoch, int Dimensions, string Performance,
    int Rows, double Lambda, ProbeState Train, ProbeState Test, string FittedOn)
{
    public const string FormatName = "structurereps-probe-1";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads and checks a saved probe; a bad file fails naming it.</summary>
    public static SavedProbe Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such probe file (write one with decode --save-probe)", path);
        SavedProbe? p;
        try { p = JsonSerializer.Deserialize<SavedProbe>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not a probe file ({e.Message})"); }
        if (p is null || p.Format != FormatName) throw new InvalidDataException($"{path}: format '{p?.Format}', expected '{FormatName}'");
        if (p.EncoderSha256 is not { Length: 64 }) throw new InvalidDataException($"{path}: encoder_sha256 missing or not a SHA-256");
        try
        {
            if (p.Train is null || p.Test is null) throw new ArgumentException("train or test probe missing");
            foreach (var s in new[] { p.Train, p.Test })
                if (RidgeProbe.From(s).Dimensions != p.Dimensions) throw new ArgumentException($"a probe of {RidgeProbe.From(s).Dimensions} features, dimensions says {p.Dimensions}");
        }
        catch (ArgumentException e) { throw new InvalidDataException($"{path}: {e.Message}"); }
        return p;
    }
}
