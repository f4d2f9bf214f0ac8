using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Encoding;

namespace StructureReps.Pipeline.Reports;

/// <summary>What a result's features come from: a trained encoder, or a baseline.</summary>
public enum MethodKind
{
    /// <summary>A trained encoder, by its configuration name (<see cref="Method.Encoder"/>).</summary>
    Encoder,
    /// <summary>The first encoder at its initial weights: what self-supervised training adds is the gap to it.</summary>
    Untrained,
    /// <summary>The epoch number alone.</summary>
    Epoch,
    /// <summary>StatNN weight statistics (Unterthiner et al.).</summary>
    StatNn,
}

/// <summary>A row of the reproduction's tables: an encoder (by name) or a baseline.</summary>
public sealed record Method(MethodKind Kind, string? Encoder = null)
{
    public static readonly Method Untrained = new(MethodKind.Untrained), Epoch = new(MethodKind.Epoch), StatNn = new(MethodKind.StatNn);

    /// <summary>The baselines, in the tables' order.</summary>
    public static readonly IReadOnlyList<Method> Baselines = [Untrained, Epoch, StatNn];

    public static Method Of(string encoder) => new(MethodKind.Encoder, encoder);

    /// <summary>The key of files and of the paper's tables: the encoder's name, or "untrained", "epoch", "statnn".</summary>
    public string Key => Kind switch
    {
        MethodKind.Encoder => Encoder!,
        MethodKind.Untrained => "untrained",
        MethodKind.Epoch => "epoch",
        _ => "statnn",
    };

    /// <summary>The CLI table's label: "EA+TC+LF", "baseline: StatNN".</summary>
    public string Label => Kind switch
    {
        MethodKind.Encoder => EncoderConfig.Named(Encoder!).Label,
        MethodKind.Untrained => "baseline: untrained",
        MethodKind.Epoch => "baseline: epoch",
        _ => "baseline: StatNN",
    };

    public override string ToString() => Key;
}

/// <summary>One probe result of a reproduction: task, method, split and target, and the scores over the seeds.</summary>
public sealed record ProbeResult(string Task, Method Method, Split Split, Target Target, ProbeSummary Summary);

/// <summary>Looking results up by what they are, not by strings.</summary>
public static class ProbeResults
{
    public static ProbeResult? Find(this IEnumerable<ProbeResult> results, string task, Method method, Split split, Target target) =>
        results.FirstOrDefault(r => r.Task == task && r.Method == method && r.Split == split && r.Target == target);
}
