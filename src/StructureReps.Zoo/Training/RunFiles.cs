using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using StructureReps.Core;
using StructureReps.Nn.Serialization;
using StructureReps.Zoo.Models;

namespace StructureReps.Zoo.Training;

/// <summary>What run.json records about one run (spec §8).</summary>
public sealed record RunInfo
{
    public required string Task { get; init; }
    public required int Run { get; init; }
    public required Architecture Architecture { get; init; }
    public required TrainConfig Config { get; init; }
    public required int ParameterCount { get; init; }
    public required string Dataset { get; init; }
    public required string Preprocessing { get; init; }
    public required int TrainSamples { get; init; }
    public required int TestSamples { get; init; }
    public required string Performance { get; init; } // "accuracy" | "r2"
}

/// <summary>
/// The files of one run folder: run.json, metrics.csv, epoch-NNNN.safetensors (weights after each epoch, epoch
/// 0 = initialization, PyTorch state_dict names) and state.safetensors (optimizer state after the last saved
/// epoch, for an exact resume). All written atomically.
/// </summary>
public sealed class RunFiles(string directory)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Directory { get; } = directory;
    public string RunJson => Path.Combine(Directory, "run.json");
    public string MetricsCsv => Path.Combine(Directory, "metrics.csv");
    public string Checkpoint(int epoch) => Path.Combine(Directory, $"epoch-{epoch:D4}.safetensors");

    /// <summary>run.json, checked field by field (a damaged one fails here, naming the field, not deep in a build).</summary>
    public RunInfo? ReadInfo()
    {
        if (!File.Exists(RunJson)) return null;
        RunInfo info;
        try { info = JsonSerializer.Deserialize<RunInfo>(File.ReadAllText(RunJson), Json) ?? throw new JsonException("null"); }
        catch (JsonException e) { throw new DataFormatException(RunJson, "run.json", $"not a valid run description ({e.Message})"); }
        if (info.Task is null) throw new DataFormatException(RunJson, "task", "missing");
        if (info.Run < 0) throw new DataFormatException(RunJson, "run", $"{info.Run}, expected ≥ 0");
        if (info.Architecture is null) throw new DataFormatException(RunJson, "architecture", "missing");
        if (info.Architecture.Problem() is { } problem) throw new DataFormatException(RunJson, "architecture", problem);
        if (info.Config is null) throw new DataFormatException(RunJson, "config", "missing");
        if (info.Config.Epochs < 0 || info.Config.BatchSize < 1 || !float.IsFinite(info.Config.LearningRate) || info.Config.Optimizer is not ("adam" or "adamw" or "sgd")
            || info.Config.DataFraction is not (> 0 and <= 1) || !double.IsFinite(info.Config.WidthScale) || info.Config.WidthScale <= 0)
            throw new DataFormatException(RunJson, "config", "expected epochs ≥ 0, batch_size ≥ 1, optimizer adam|adamw|sgd, a finite learning rate, 0 < data_fraction ≤ 1, width_scale > 0");
        if (info.Performance is not ("accuracy" or "r2" or "unknown"))
            throw new DataFormatException(RunJson, "performance", $"'{info.Performance}', expected accuracy, r2 or unknown (an imported zoo without targets)");
        if (info.TrainSamples < 0 || info.TestSamples < 0) throw new DataFormatException(RunJson, "train_samples", "expected train_samples ≥ 0 and test_samples ≥ 0");
        return info;
    }

    public void WriteInfo(RunInfo info) => AtomicFile.WriteAllText(RunJson, JsonSerializer.Serialize(info, Json));

    public List<EpochMetrics> ReadMetrics()
    {
        if (!File.Exists(MetricsCsv)) return [];
        var lines = File.ReadAllLines(MetricsCsv);
        if (lines.Length == 0 || lines[0] != EpochMetrics.Header)
            throw new DataFormatException(MetricsCsv, "header", $"expected '{EpochMetrics.Header}'");
        var rows = new List<EpochMetrics>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var m = EpochMetrics.Parse(lines[i], MetricsCsv, i + 1);
            if (m.Epoch != rows.Count) throw new DataFormatException(MetricsCsv, $"line {i + 1}", $"epoch {m.Epoch}, expected {rows.Count}");
            rows.Add(m);
        }
        return rows;
    }

    public void WriteMetrics(IEnumerable<EpochMetrics> rows) =>
        AtomicFile.WriteAllText(MetricsCsv, string.Join("\n", [EpochMetrics.Header, .. rows.Select(r => r.ToCsv())]) + "\n");

    public void WriteCheckpoint(int epoch, Nn.Modules.Module module, string task) =>
        SafeTensors.Write(Checkpoint(epoch), module.StateDict(), new Dictionary<string, string>
        {
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
            ["task"] = task,
            ["format"] = "pt",
        });
}
