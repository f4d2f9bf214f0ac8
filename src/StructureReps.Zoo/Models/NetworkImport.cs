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
        var ours = net.Module.NamedParameters().ToList();
        if (layerNames is null) return LoadLayers(path, architecture, net, ours);
        var (tensors, _) = SafeTensors.Read(path);
        var byName = tensors.ToDictionary(t => t.Name);
        var layers = layerNames.Select(n => byName.TryGetValue(n + ".weight", out var w) ? w : throw new DataFormatException(path, n + ".weight", "no such tensor")).ToList();
        var ourWeights = ours.Where(p => p.Name.EndsWith(".weight", StringComparison.Ordinal)).ToList();
        if (layers.Count != ourWeights.Count)
            throw new DataFormatException(path, "layers", $"{layers.Count} weight tensors ({string.Join(", ", layers.Select(l => l.Name))}), but {architecture} has {ourWeights.Count} layers");
        var renamed = new List<NamedArray>();
        for (int i = 0; i < layers.Count; i++)
        {
            var (ourName, ourTensor) = ourWeights[i];
            var theirs = layers[i];
            if (!theirs.Shape.SequenceEqual(ourTensor.Shape))
                throw new DataFormatException(path, theirs.Name, $"shape [{string.Join(", ", theirs.Shape)}], but layer {i} of {architecture} expects [{string.Join(", ", ourTensor.Shape)}]");
            renamed.Add(theirs with { Name = ourName });
            string prefix = theirs.Name[..^"weight".Length], ourPrefix = ourName[..^"weight".Length];
            if (byName.TryGetValue(prefix + "bias", out var bias)) renamed.Add(bias with { Name = ourPrefix + "bias" });
        }
        net.Module.LoadStateDict(renamed, path);
        return net;
    }

    private static INetwork LoadLayers(string path, Architecture architecture, INetwork net, List<(string Name, Tensor Tensor)> ours)
    {
        var layers = Import.ForeignNetwork.Layers(path);
        var ourWeights = ours.Where(p => p.Name.EndsWith(".weight", StringComparison.Ordinal)).ToList();
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
}
