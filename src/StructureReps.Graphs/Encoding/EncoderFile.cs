using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using StructureReps.Core;
using StructureReps.Graphs.Layers;
using StructureReps.Nn.Serialization;

namespace StructureReps.Graphs.Encoding;

/// <summary>
/// A trained encoder: the model, its configuration, the edge standardization, the epoch it was saved at, and the
/// featurizer that made its training graphs (<see cref="Featurization.Featurizer"/>; null in files older than it,
/// which can embed built graphs but not a checkpoint: what made their graphs' features cannot be known).
/// </summary>
/// <param name="TrainedOn">A hash of the training graphs (<see cref="EncoderTrainer.Fingerprint"/>): a resume on other
/// graphs starts over. Null for an untrained encoder and in files older than it.</param>
public sealed record TrainedEncoder(Vgae Model, EncoderConfig Config, EdgeStandardizer Standardizer, int EdgeDim, string Task, int Epoch,
    string? TrainedOn = null)
{
    public Featurization.Featurizer? Featurizer { get; init; }

    /// <summary>What its training networks' performance measures ("accuracy", "r2"; null when unknown or mixed).</summary>
    public string? Performance { get; init; }

    /// <summary>
    /// The featurizer an unseen network must be made into a graph with; an encoder without one (a file older than
    /// the record) is refused, naming <paramref name="source"/>: its graphs' features cannot be known.
    /// </summary>
    public Featurization.Featurizer RequireFeaturizer(string source) => Featurizer ?? throw new DataFormatException(source,
        "__metadata__.featurizer", "missing: the encoder was written before encoders recorded how their graphs were featurized " +
        "(Laplacian k, weighted or binary, edge width), so an unseen network cannot be featurized to match; " +
        "train it again on its graph folder");
}

/// <summary>
/// encoder.safetensors: the VGAE's parameters under their module names ("conv1.lin_key.weight"), with the
/// configuration, the edge standardization, the edge width, the task and the epoch in the metadata, so the file
/// alone can embed new graphs.
/// </summary>
public static class EncoderFile
{
    public const string Format = "structurereps-encoder-1";

    public static void Write(string path, TrainedEncoder e) =>
        SafeTensors.Write(path, e.Model.StateDict(), new Dictionary<string, string>
        {
            ["format"] = Format,
            ["config"] = JsonSerializer.Serialize(e.Config, EncoderJson.Default.EncoderConfig),
            ["edge_standardizer"] = JsonSerializer.Serialize(e.Standardizer, EncoderJson.Default.EdgeStandardizer),
            ["edge_dim"] = e.EdgeDim.ToString(CultureInfo.InvariantCulture),
            ["task"] = e.Task,
            ["epoch"] = e.Epoch.ToString(CultureInfo.InvariantCulture),
            ["trained_on"] = e.TrainedOn ?? "",
            ["featurizer"] = e.Featurizer?.ToJson() ?? "",
            ["performance"] = e.Performance ?? "",
        });

    public static TrainedEncoder Read(string path, Core.Backends.IBackend? backend = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such encoder file", path);
        using var stream = File.OpenRead(path);
        return Read(stream, path, backend);
    }

    /// <summary>Reads an encoder from a seekable stream (its bytes held in memory); <paramref name="path"/> names it in errors.</summary>
    public static TrainedEncoder Read(Stream stream, string path, Core.Backends.IBackend? backend = null)
    {
        var (tensors, meta) = SafeTensors.Read(stream, path);
        string Meta(string key) => meta.TryGetValue(key, out var v) ? v : throw new DataFormatException(path, $"__metadata__.{key}", "missing (not an encoder written by `encode train`?)");
        if (Meta("format") != Format) throw new DataFormatException(path, "__metadata__.format", $"'{Meta("format")}', expected '{Format}'");
        EncoderConfig config;
        EdgeStandardizer standardizer;
        try
        {
            config = JsonSerializer.Deserialize(Meta("config"), EncoderJson.Default.EncoderConfig)!;
            standardizer = JsonSerializer.Deserialize(Meta("edge_standardizer"), EncoderJson.Default.EdgeStandardizer)!;
        }
        catch (JsonException ex) { throw new DataFormatException(path, "__metadata__", $"config or edge_standardizer is not valid ({ex.Message})"); }
        if (config is null || standardizer is null) throw new DataFormatException(path, "__metadata__", "config or edge_standardizer is null");
        try { _ = Layers.GraphLayers.Get(config.Conv ?? ""); }
        catch (ArgumentException ex) { throw new DataFormatException(path, "__metadata__.config.conv", ex.Message); }
        if (!Layers.PairDecoder.Names.Contains(config.Decoder))
            throw new DataFormatException(path, "__metadata__.config.decoder", $"'{config.Decoder}' is not one of {string.Join(", ", Layers.PairDecoder.Names)}");
        int edgeDim = DataFormatException.ParseInt(path, "__metadata__.edge_dim", Meta("edge_dim"), min: 1);
        var model = new Vgae(config, edgeDim, new Rng(config.Seed), backend);
        model.LoadStateDict(tensors, path);
        Featurization.Featurizer? featurizer = null;
        if (meta.GetValueOrDefault("featurizer") is { Length: > 0 } json)
        {
            featurizer = Featurization.Featurizer.Parse(json, path, "__metadata__.featurizer");
            if (featurizer.K != config.K || featurizer.EdgeDim != edgeDim)
                throw new DataFormatException(path, "__metadata__.featurizer",
                    $"k {featurizer.K}, edge_dim {featurizer.EdgeDim}, but the encoder takes k {config.K}, edge width {edgeDim}");
        }
        return new TrainedEncoder(model, config, standardizer, edgeDim, Meta("task"), DataFormatException.ParseInt(path, "__metadata__.epoch", Meta("epoch"), min: 0),
            meta.GetValueOrDefault("trained_on") is { Length: > 0 } on ? on : null)
        {
            Featurizer = featurizer,
            Performance = meta.GetValueOrDefault("performance") is "accuracy" or "r2" ? meta["performance"] : null,
        };
    }
}

/// <summary>
/// The encoder file's JSON metadata, source-generated (no reflection, so the NativeAOT library reads it too), with
/// the options of the run files (RunFiles.Json): snake_case names, nulls left out.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EncoderConfig))]
[JsonSerializable(typeof(EdgeStandardizer))]
[JsonSerializable(typeof(Featurization.Featurizer))]
internal sealed partial class EncoderJson : JsonSerializerContext;
