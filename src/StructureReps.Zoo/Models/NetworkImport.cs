using StructureReps.Core;
using StructureReps.Nn.Serialization;

namespace StructureReps.Zoo.Models;

/// <summary>
/// Reads a network saved elsewhere (e.g. PyTorch: `safetensors.torch.save_file(model.state_dict(), path)`) as
/// one of our MLPs or CNNs, given its architecture (strides, padding and pooling are not in the weights). The
/// layers are found as `zoo import` finds them (<see cref="Import.ForeignNetwork.Layers"/>: Conv2d then Linear in
/// natural name order, BatchNorm folded, other layers refused), and each must match the architecture's layer at
/// its position. <paramref name="layerNames"/> picks the layers by name instead.
/// </summary>
public static class NetworkImport
{
    public static INetwork Read(string path, Architecture architecture, Core.Backends.IBackend? backend = null, IReadOnlyList<string>? layerNames = null)
    {
        var net = architecture.Build(new Rng(0), backend);
        var layers = layerNames is null ? Import.ForeignNetwork.Layers(path) : Named(path, layerNames);
        var ourWeights = net.Module.NamedParameters().Where(p => p.Name.EndsWith(".weight", StringComparison.Ordinal)).ToList();
        if (layers.Count != ourWeights.Count)
            throw new DataFormatException(path, "layers", $"{layers.Count} layers ({string.Join(", ", layers.Select(l => l.Prefix))}), but {architecture} has {ourWeights.Count}");
        var renamed = new List<NamedArray>();
        for (int i = 0; i < layers.Count; i++)
        {
            var (ourName, ourTensor) = ourWeights[i];
            if (!layers[i].Shape.SequenceEqual(ourTensor.Shape))
                throw new DataFormatException(path, layers[i].Prefix + ".weight",
                    $"shape [{string.Join(", ", layers[i].Shape)}], but layer {i} of {architecture} expects [{string.Join(", ", ourTensor.Shape)}]");
            string prefix = ourName[..^"weight".Length];
            renamed.Add(new NamedArray(ourName, layers[i].Shape, layers[i].Weight));
            renamed.Add(new NamedArray(prefix + "bias", [layers[i].Shape[0]], layers[i].Bias));
        }
        net.Module.LoadStateDict(renamed, path);
        return net;
    }

    /// <summary>The layers named by the caller, as they are (no folding); a layer without a bias has a zero one, as in PyTorch.</summary>
    private static List<Import.ForeignNetwork.Layer> Named(string path, IReadOnlyList<string> layerNames)
    {
        var byName = SafeTensors.Read(path).Tensors.ToDictionary(t => t.Name);
        return [.. layerNames.Select(n =>
        {
            var w = byName.TryGetValue(n + ".weight", out var weight) ? weight : throw new DataFormatException(path, n + ".weight", "no such tensor");
            return new Import.ForeignNetwork.Layer(n, w.Shape, w.Data, byName.TryGetValue(n + ".bias", out var b) ? b.Data : new float[w.Shape[0]]);
        })];
    }
}
