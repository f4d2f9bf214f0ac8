using StructureReps.Core;
using StructureReps.Nn.Serialization;
using StructureReps.Zoo.Models;

namespace StructureReps.Graphs.Conversion;

/// <summary>
/// Spec §3: a checkpoint (PyTorch state_dict names, as the zoo writes them) → <see cref="NetworkGraph"/>.
/// MLP: a node per neuron, edge i→o of layer l with feature W[l][o, i]. CNN: a node per channel (input image
/// channels and every conv's outputs) and per class; edge i→o carries the k×k filter F[o, i] row-major,
/// zero-padded centred to the zoo's widest kernel; the linear head's weight sits at the kernel centre.
/// </summary>
public static class GraphBuilder
{
    /// <summary>Node layer sizes of an architecture (MLP widths; CNN channels …, classes).</summary>
    public static int[] LayerSizes(Architecture arch) => arch.IsMlp
        ? (int[])arch.Sizes!.Clone()
        : [arch.Input![0], .. arch.Convs!.Select(c => c.Out), arch.Classes];

    /// <summary>The graph layout of an architecture, with each weight layer's kernel size.</summary>
    public static LayeredTopology Topology(Architecture arch) => new(LayerSizes(arch),
        arch.IsMlp ? null : [.. arch.Convs!.Select(c => c.Kernel), 1]);

    /// <summary>The edge feature width a zoo of these architectures needs: the largest kernel's k² (1 for MLPs).</summary>
    public static int EdgeDim(IEnumerable<Architecture> archs) =>
        archs.Select(a => a.IsMlp ? 1 : a.Convs!.Max(c => c.Kernel * c.Kernel)).DefaultIfEmpty(1).Max();

    /// <summary>Builds the graph of one checkpoint; <paramref name="source"/> names the file in errors.</summary>
    public static NetworkGraph Build(Architecture arch, IReadOnlyList<NamedArray> tensors, int edgeDim, CheckpointTargets targets,
        string source, LayeredTopology? topology = null)
    {
        var byName = tensors.ToDictionary(t => t.Name);
        topology ??= Topology(arch);
        int kMax = (int)Math.Round(Math.Sqrt(edgeDim));
        if (kMax * kMax != edgeDim) throw new ArgumentException($"edge width {edgeDim} is not a square k² (k×k kernels)");
        var features = new float[topology.EdgeCount * edgeDim];
        var bias = new float[topology.NodeCount];
        var names = CheckpointNaming.WeightLayers(arch);
        for (int l = 0; l < topology.WeightLayers; l++)
        {
            int inN = topology.LayerSizes[l], outN = topology.LayerSizes[l + 1];
            var w = Require(byName, names[l] + ".weight", source);
            int k = w.Shape.Length switch
            {
                2 => 1,
                4 => w.Shape[2],
                _ => throw new DataFormatException(source, names[l] + ".weight", $"shape [{string.Join(", ", w.Shape)}]: expected [out, in] or [out, in, k, k]"),
            };
            bool shapeOk = w.Shape[0] == outN && w.Shape[1] == inN && (w.Shape.Length == 2 || w.Shape[3] == k);
            if (!shapeOk)
                throw new DataFormatException(source, names[l] + ".weight",
                    $"shape [{string.Join(", ", w.Shape)}], expected [{outN}, {inN}{(w.Shape.Length == 4 ? $", {k}, {k}" : "")}] for {arch}");
            if (k > kMax) throw new DataFormatException(source, names[l] + ".weight", $"{k}×{k} kernel is wider than the zoo's edge width {edgeDim} ({kMax}×{kMax})");
            RequireFinite(w, source);
            int pad = (kMax - k) / 2, e0 = topology.EdgeOffsets[l];
            for (int pair = 0; pair < outN * inN; pair++) // pair = o·in + i, the edge order of LayeredTopology
            {
                int dst = (e0 + pair) * edgeDim;
                for (int r = 0; r < k; r++)
                    for (int c = 0; c < k; c++)
                        features[dst + (r + pad) * kMax + c + pad] = w.Data[pair * k * k + r * k + c];
            }
            if (byName.TryGetValue(names[l] + ".bias", out var b))
            {
                if (b.Length != outN) throw new DataFormatException(source, names[l] + ".bias", $"{b.Length} values, expected {outN}");
                RequireFinite(b, source);
                Array.Copy(b.Data, 0, bias, topology.NodeOffsets[l + 1], outN);
            }
        }
        return new NetworkGraph(topology, edgeDim, features, bias, targets);
    }

    /// <summary>A NaN or infinite weight makes no graph (the Laplacian and every feature would be NaN): named here.</summary>
    public static void RequireFinite(NamedArray t, string source)
    {
        int bad = Array.FindIndex(t.Data, v => !float.IsFinite(v));
        if (bad >= 0) throw new DataFormatException(source, t.Name, $"value {bad} is {t.Data[bad]} (a diverged or damaged checkpoint); weights must be finite");
    }

    private static NamedArray Require(Dictionary<string, NamedArray> byName, string name, string source) =>
        byName.TryGetValue(name, out var t) ? t
            : throw new DataFormatException(source, name, $"missing (the file has {string.Join(", ", byName.Keys)})");
}
