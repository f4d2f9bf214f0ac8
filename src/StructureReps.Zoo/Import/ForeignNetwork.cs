using System.Text.RegularExpressions;
using StructureReps.Core;
using StructureReps.Nn.Serialization;
using StructureReps.Zoo.Models;

namespace StructureReps.Zoo.Import;

/// <summary>
/// A network saved elsewhere (a PyTorch state_dict written with <c>safetensors.torch.save_file</c>), read as one
/// of our architectures from its tensors alone, whatever the key names:
/// <list type="bullet">
/// <item>modules are the key prefixes (<c>0.weight</c> → <c>0</c>, <c>features.3.bias</c> → <c>features.3</c>);
/// rank-4 weights are Conv2d, rank-2 Linear, rank-1 weights with <c>running_mean</c>/<c>running_var</c> BatchNorm;</item>
/// <item>Conv2d layers come first, then Linear layers, each in natural name order (<c>x.10</c> after <c>x.9</c>);</item>
/// <item>a BatchNorm is folded, in eval mode (ε = 1e-5, PyTorch's default), into the layer before it in name order,
/// or into the layer with the same number (<c>bn1</c> → <c>conv1</c>);</item>
/// <item>anything else — LayerNorm, embeddings, Conv1d, a CNN whose classifier does not take the last conv's
/// channels (flatten instead of global average pooling) — is refused, naming the tensor.</item>
/// </list>
/// Strides, padding and pooling are not in the weights: they are recorded as 1, k/2 and none. The graph of a
/// network depends only on its layers' shapes and weights.
/// </summary>
public static partial class ForeignNetwork
{
    private const double BatchNormEpsilon = 1e-5;
    private static readonly string[] Suffixes = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];

    private sealed record Module(string Prefix, Dictionary<string, NamedArray> Parts)
    {
        public NamedArray Weight => Parts["weight"];
        public bool IsBatchNorm => Parts.ContainsKey("running_mean") && Parts.ContainsKey("running_var");
    }

    /// <summary>One Linear or Conv2d layer of a foreign network, BatchNorm folded in: its name there, weight and bias.</summary>
    public sealed record Layer(string Prefix, int[] Shape, float[] Weight, float[] Bias);

    /// <summary>The architecture and the tensors under our names (<c>layers.L</c>, or <c>convs.L</c> and <c>head</c>).</summary>
    public static (Architecture Architecture, List<NamedArray> Tensors) Read(string path, int[]? inputSize = null) =>
        Read(SafeTensors.Read(path).Tensors, path, inputSize);

    /// <summary>As <see cref="Read(string, int[])"/>, from tensors already read; <paramref name="path"/> names them in errors.</summary>
    public static (Architecture Architecture, List<NamedArray> Tensors) Read(List<NamedArray> tensors, string path, int[]? inputSize = null)
    {
        var layers = Layers(tensors, path);
        var convs = layers.Where(l => l.Shape.Length == 4).ToList();
        var linears = layers.Where(l => l.Shape.Length == 2).ToList();
        var arch = convs.Count == 0 ? MlpOf(path, linears) : CnnOf(path, convs, linears, inputSize);
        var ours = new List<NamedArray>();
        for (int i = 0; i < layers.Count; i++)
        {
            string name = convs.Count == 0 ? CheckpointNaming.Linear(i) : i < convs.Count ? CheckpointNaming.Conv(i) : CheckpointNaming.Head;
            ours.Add(new NamedArray(name + ".weight", (int[])layers[i].Shape.Clone(), layers[i].Weight));
            ours.Add(new NamedArray(name + ".bias", [layers[i].Shape[0]], layers[i].Bias));
        }
        return (arch, ours);
    }

    /// <summary>The network's Linear and Conv2d layers in order (convolutions first), each BatchNorm folded into its layer.</summary>
    public static List<Layer> Layers(string path) => Layers(SafeTensors.Read(path).Tensors, path);

    private static List<Layer> Layers(List<NamedArray> tensors, string path)
    {
        var modules = new Dictionary<string, Module>();
        foreach (var t in tensors)
        {
            int dot = t.Name.LastIndexOf('.');
            string prefix = dot < 0 ? "" : t.Name[..dot], suffix = dot < 0 ? t.Name : t.Name[(dot + 1)..];
            if (!Suffixes.Contains(suffix))
                throw new DataFormatException(path, t.Name, "not a weight, bias or BatchNorm statistic; only Linear, Conv2d and BatchNorm layers are supported");
            if (!modules.TryGetValue(prefix, out var m)) modules[prefix] = m = new Module(prefix, []);
            m.Parts[suffix] = t;
        }
        var layers = new List<Module>();
        var norms = new List<Module>();
        foreach (var m in modules.Values)
        {
            string name = m.Prefix.Length == 0 ? "weight" : m.Prefix + ".weight";
            if (!m.Parts.TryGetValue("weight", out var w)) throw new DataFormatException(path, m.Prefix, "a layer without a weight (bias or statistics only)");
            if (m.IsBatchNorm && w.Shape.Length == 1) norms.Add(m);
            else if (w.Shape.Length is 2 or 4) layers.Add(m);
            else if (w.Shape.Length == 1)
                throw new DataFormatException(path, name, $"shape [{w.Shape[0]}] without running statistics: a LayerNorm or GroupNorm? Only BatchNorm (folded) is supported");
            else
                throw new DataFormatException(path, name, $"shape [{string.Join(", ", w.Shape)}]: only Linear [out, in] and Conv2d [out, in, k, k] weights are supported");
        }
        var ordered = layers.Where(l => l.Weight.Shape.Length == 4).OrderBy(l => NaturalKey(l.Prefix), StringComparer.Ordinal)
            .Concat(layers.Where(l => l.Weight.Shape.Length == 2).OrderBy(l => NaturalKey(l.Prefix), StringComparer.Ordinal)).ToList();
        if (ordered.Count == 0) throw new DataFormatException(path, "tensors", "no Linear or Conv2d weights");
        var weights = ordered.ToDictionary(l => l, l => (float[])l.Weight.Data.Clone());
        var biases = ordered.ToDictionary(l => l, l => l.Parts.TryGetValue("bias", out var b) ? (float[])b.Data.Clone() : new float[l.Weight.Shape[0]]);
        foreach (var bn in norms) Fold(path, bn, TargetOf(path, bn, modules.Values, ordered), weights, biases);
        return [.. ordered.Select(l => new Layer(l.Prefix, (int[])l.Weight.Shape.Clone(), weights[l], biases[l]))];
    }

    private static Architecture MlpOf(string path, List<Layer> linears)
    {
        var sizes = new List<int> { linears[0].Shape[1] };
        foreach (var l in linears)
        {
            if (l.Shape[1] != sizes[^1])
                throw new DataFormatException(path, l.Prefix + ".weight", $"takes {l.Shape[1]} inputs, but the layer before gives {sizes[^1]}");
            sizes.Add(l.Shape[0]);
        }
        return Architecture.Mlp([.. sizes]);
    }

    private static Architecture CnnOf(string path, List<Layer> convs, List<Layer> linears, int[]? inputSize)
    {
        int c = convs[0].Shape[1];
        var specs = new List<ConvSpec>();
        foreach (var l in convs)
        {
            var s = l.Shape;
            if (s[1] != c) throw new DataFormatException(path, l.Prefix + ".weight", $"takes {s[1]} channels, but the layer before gives {c}");
            if (s[2] != s[3]) throw new DataFormatException(path, l.Prefix + ".weight", $"a {s[2]}×{s[3]} kernel; only square kernels are supported");
            specs.Add(new ConvSpec(s[0], s[2], 1, s[2] / 2));
            c = s[0];
        }
        if (linears.Count != 1 || linears[0].Shape[1] != c)
            throw new DataFormatException(path, linears.Count == 0 ? "classifier" : linears[0].Prefix + ".weight",
                $"expected one Linear head taking the last conv's {c} channels (global average pooling); found " +
                (linears.Count == 0 ? "none" : string.Join(", ", linears.Select(l => $"{l.Prefix} [{string.Join(", ", l.Shape)}]"))) +
                ": a flatten classifier or several Linear layers after the convolutions are not supported");
        int[] input = inputSize ?? [convs[0].Shape[1], 32, 32];
        if (input.Length != 3 || input[0] != convs[0].Shape[1])
            throw new ArgumentException($"input size: expected C,H,W with C = {convs[0].Shape[1]} (the first conv's input channels)").With(Remedy.InputSize);
        var arch = Architecture.Cnn(input, [.. specs], linears[0].Shape[0]);
        if (arch.Problem() is { } problem) throw new DataFormatException(path, "architecture", problem);
        return arch;
    }

    /// <summary>The layer a BatchNorm follows: the one before it in name order, else the one with its number.</summary>
    private static Module TargetOf(string path, Module bn, IEnumerable<Module> all, List<Module> layers)
    {
        int features = bn.Weight.Shape[0];
        var byName = all.OrderBy(m => NaturalKey(m.Prefix), StringComparer.Ordinal).ToList();
        int at = byName.IndexOf(bn);
        for (int i = at - 1; i >= 0; i--)
        {
            if (byName[i].IsBatchNorm) break;
            if (layers.Contains(byName[i])) { if (byName[i].Weight.Shape[0] == features) return byName[i]; break; }
        }
        string digits = TrailingDigits(bn.Prefix);
        var same = layers.Where(l => digits.Length > 0 && TrailingDigits(l.Prefix) == digits && l.Weight.Shape[0] == features).ToList();
        if (same.Count == 1) return same[0];
        throw new DataFormatException(path, bn.Prefix + ".weight", $"a BatchNorm of {features} features follows no layer with {features} outputs");
    }

    private static void Fold(string path, Module bn, Module layer, Dictionary<Module, float[]> weights, Dictionary<Module, float[]> biases)
    {
        var gamma = bn.Weight.Data;
        var beta = bn.Parts.TryGetValue("bias", out var b) ? b.Data : new float[gamma.Length];
        var mean = bn.Parts["running_mean"].Data;
        var variance = bn.Parts["running_var"].Data;
        if (beta.Length != gamma.Length || mean.Length != gamma.Length || variance.Length != gamma.Length)
            throw new DataFormatException(path, bn.Prefix, "BatchNorm weight, bias and running statistics differ in length");
        var w = weights[layer];
        var bias = biases[layer];
        int perOutput = w.Length / gamma.Length;
        for (int o = 0; o < gamma.Length; o++)
        {
            if (variance[o] < 0) throw new DataFormatException(path, bn.Prefix + ".running_var", $"value {o} is negative");
            double scale = gamma[o] / Math.Sqrt(variance[o] + BatchNormEpsilon);
            for (int j = 0; j < perOutput; j++) w[o * perOutput + j] = (float)(w[o * perOutput + j] * scale);
            bias[o] = (float)((bias[o] - mean[o]) * scale + beta[o]);
        }
    }

    private static string TrailingDigits(string name) => TrailingDigitsRegex().Match(name).Value;

    /// <summary>Zero-pads every run of digits so that ordinal order is natural order.</summary>
    internal static string NaturalKey(string name) => Digits().Replace(name, m => m.Value.PadLeft(10, '0'));

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();

    [GeneratedRegex("[0-9]+$")]
    private static partial Regex TrailingDigitsRegex();
}
