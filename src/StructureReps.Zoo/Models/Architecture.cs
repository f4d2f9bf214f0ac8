using System.Text.Json.Serialization;
using StructureReps.Core;
using StructureReps.Core.Backends;

namespace StructureReps.Zoo.Models;

/// <summary>One convolution of a CNN: 3×3 (or k×k) conv, ReLU, then max-pooling by <see cref="Pool"/> (1 = none).</summary>
public sealed record ConvSpec(int Out, int Kernel, int Stride = 1, int Padding = 0, int Pool = 1);

/// <summary>
/// The shape of a zoo's networks, as written to run.json. MLP: layer widths (input … output), ReLU between.
/// CNN: input [C, H, W], convolutions, global average pooling, a linear head to <see cref="Classes"/> outputs.
/// </summary>
public sealed record Architecture
{
    public required string Kind { get; init; } // "mlp" | "cnn"
    public int[]? Sizes { get; init; }
    public int[]? Input { get; init; }
    public ConvSpec[]? Convs { get; init; }
    public int Classes { get; init; }
    public string Variant { get; init; } = "regular";

    public static Architecture Mlp(params int[] sizes) => new() { Kind = "mlp", Sizes = sizes, Classes = sizes[^1] };

    public static Architecture Cnn(int[] input, ConvSpec[] convs, int classes) =>
        new() { Kind = "cnn", Input = input, Convs = convs, Classes = classes };

    [JsonIgnore] public bool IsMlp => Kind == "mlp";

    public INetwork Build(Rng rng, IBackend? backend = null, float dropout = 0) => Kind switch
    {
        "mlp" => new Mlp(Sizes ?? throw new InvalidOperationException("mlp architecture without sizes"), rng, dropout, backend),
        "cnn" => new Cnn(this, rng, dropout, backend),
        _ => throw new InvalidOperationException($"unknown architecture kind '{Kind}' (expected mlp or cnn)"),
    };

    public int ParameterCount()
    {
        if (IsMlp) return Enumerable.Range(0, Sizes!.Length - 1).Sum(i => Sizes[i] * Sizes[i + 1] + Sizes[i + 1]);
        int c = Input![0], total = 0;
        foreach (var conv in Convs!) { total += conv.Out * c * conv.Kernel * conv.Kernel + conv.Out; c = conv.Out; }
        return total + c * Classes + Classes;
    }

    public override string ToString() => IsMlp
        ? $"MLP {string.Join("-", Sizes!)}" + (Variant != "regular" ? $" ({Variant})" : "")
        : $"CNN {Input![0]}×{Input[1]}×{Input[2]} → {string.Join(" → ", Convs!.Select(c => $"conv{c.Kernel}×{c.Kernel}({c.Out})" + (c.Stride > 1 ? $"/s{c.Stride}" : "") + (c.Pool > 1 ? $"+pool{c.Pool}" : "")))} → GAP → {Classes}";

    /// <summary>
    /// Spec §7 structural variants of an MLP with the same parameter count (±2%): "deeper" doubles the hidden
    /// layers, "wider" keeps one hidden layer; the width is the integer closest to the regular count.
    /// </summary>
    public static Architecture WithVariant(Architecture regular, string variant)
    {
        if (variant == "regular") return regular;
        if (!regular.IsMlp) throw new ArgumentException($"--arch {variant}: structural variants exist for MLPs only");
        int[] s = regular.Sizes!;
        int hidden = s.Length - 2, input = s[0], output = s[^1], target = regular.ParameterCount();
        int layers = variant switch
        {
            "deeper" => hidden * 2,
            "wider" => 1,
            _ => throw new ArgumentException($"--arch: '{variant}' is not one of regular, deeper, wider"),
        };
        int best = 1, bestDiff = int.MaxValue;
        for (int w = 1; w < 100_000; w++)
        {
            int count = Mlp([input, .. Enumerable.Repeat(w, layers), output]).ParameterCount();
            if (Math.Abs(count - target) < bestDiff) { bestDiff = Math.Abs(count - target); best = w; }
            if (count > target) break;
        }
        var result = Mlp([input, .. Enumerable.Repeat(best, layers), output]) with { Variant = variant };
        if (Math.Abs(result.ParameterCount() - target) > 0.02 * target)
            throw new InvalidOperationException($"{variant} variant of {regular}: no width within ±2% of {target} parameters");
        return result;
    }
}
