using System.Text.RegularExpressions;
using StructureReps.Core;
using StructureReps.Nn.Serialization;

namespace StructureReps.Zoo.Models;

/// <summary>
/// Reads a network saved elsewhere (e.g. PyTorch: `safetensors.torch.save_file(model.state_dict(), path)`) as
/// one of our MLPs or CNNs, given its architecture (the layer list). Whatever the module names were
/// (`net.0`, `fc1`, `layers.2`…), the weights are taken in natural name order — `x.10` after `x.9` — each
/// `….weight` with its `….bias`; rank-2 weights are Linear layers, rank-4 Conv2d, and every one must match the
/// architecture's layer at that position.
/// </summary>
public static partial class NetworkImport
{
    public static INetwork Read(string path, Architecture architecture, Core.Backends.IBackend? backend = null, IReadOnlyList<string>? layerNames = null)
    {
        var (tensors, _) = SafeTensors.Read(path);
        var net = architecture.Build(new Rng(0), backend);
        var ours = net.Module.NamedParameters().ToList();
        var byName = tensors.ToDictionary(t => t.Name);
        var layers = layerNames is not null
            ? layerNames.Select(n => byName.TryGetValue(n + ".weight", out var w) ? w : throw new DataFormatException(path, n + ".weight", "no such tensor")).ToList()
            : tensors.Where(t => t.Name.EndsWith(".weight", StringComparison.Ordinal) || t.Name == "weight")
                .OrderBy(t => t.Shape.Length == 4 ? 0 : 1).ThenBy(t => NaturalKey(t.Name), StringComparer.Ordinal).ToList();
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

    /// <summary>Zero-pads every run of digits so that ordinal order is natural order.</summary>
    private static string NaturalKey(string name) => Digits().Replace(name, m => m.Value.PadLeft(10, '0'));

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
