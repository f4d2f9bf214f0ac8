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

    /// <summary>Largest layer width or channel count, image side and parameter count a file may describe.</summary>
    public const int MaxWidth = 1 << 20, MaxSide = 1 << 14;
    public const long MaxParameters = int.MaxValue;

    /// <summary>
    /// What is wrong with this architecture as read from a file (null when nothing): the kind, missing or
    /// non-positive sizes, kernels that do not fit, a feature map that shrinks to nothing, a parameter count
    /// beyond int. Readers call it so a damaged run.json or graph file fails naming the field, not deep in a build.
    /// </summary>
    public string? Problem()
    {
        if (Kind is not ("mlp" or "cnn")) return $"kind '{Kind}', expected mlp or cnn";
        if (Variant is not ("regular" or "deeper" or "wider")) return $"variant '{Variant}', expected regular, deeper or wider";
        long parameters = 0;
        if (IsMlp)
        {
            if (Sizes is null || Sizes.Length < 2) return "sizes: an MLP needs at least an input and an output width";
            if (Sizes.Any(w => w < 1 || w > MaxWidth)) return $"sizes: [{string.Join(", ", Sizes)}], expected widths 1…{MaxWidth}";
            if (Classes != Sizes[^1]) return $"classes {Classes}, expected the output width {Sizes[^1]}";
            for (int i = 0; i + 1 < Sizes.Length; i++) parameters += (long)Sizes[i] * Sizes[i + 1] + Sizes[i + 1];
        }
        else
        {
            if (Input is not { Length: 3 } || Input.Any(v => v < 1 || v > MaxSide)) return $"input: expected [channels, height, width] within 1…{MaxSide}";
            if (Convs is null || Convs.Length == 0) return "convs: a CNN needs at least one convolution";
            if (Classes < 1 || Classes > MaxWidth) return $"classes {Classes}, expected 1…{MaxWidth}";
            long c = Input[0], h = Input[1], w = Input[2];
            for (int i = 0; i < Convs.Length; i++)
            {
                var conv = Convs[i];
                if (conv is null) return $"convs[{i}]: missing";
                if (conv.Out < 1 || conv.Out > MaxWidth || conv.Kernel < 1 || conv.Stride < 1 || conv.Padding < 0 || conv.Padding >= conv.Kernel || conv.Pool < 1)
                    return $"convs[{i}]: {conv}, expected out ≥ 1, kernel ≥ 1, stride ≥ 1, 0 ≤ padding < kernel, pool ≥ 1";
                h = (h + 2 * conv.Padding - conv.Kernel) / conv.Stride + 1;
                w = (w + 2 * conv.Padding - conv.Kernel) / conv.Stride + 1;
                if (h < 1 || w < 1) return $"convs[{i}]: the {conv.Kernel}×{conv.Kernel} kernel does not fit the feature map";
                h /= conv.Pool; w /= conv.Pool;
                if (h < 1 || w < 1) return $"convs[{i}]: pooling by {conv.Pool} leaves no feature map";
                parameters += conv.Out * c * conv.Kernel * conv.Kernel + conv.Out;
                c = conv.Out;
            }
            parameters += c * Classes + Classes;
        }
        return parameters > MaxParameters ? $"{parameters} parameters, more than {MaxParameters}" : null;
    }

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
        if (!regular.IsMlp) throw new ArgumentException($"structural variant {variant}: variants exist for MLPs only");
        int[] s = regular.Sizes!;
        int hidden = s.Length - 2, input = s[0], output = s[^1], target = regular.ParameterCount();
        int layers = variant switch
        {
            "deeper" => hidden * 2,
            "wider" => 1,
            _ => throw new ArgumentException($"structural variant '{variant}' is not one of regular, deeper, wider"),
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
