namespace StructureReps.Zoo.Models;

/// <summary>
/// The names a checkpoint's weight layers go by, PyTorch state_dict style: an MLP's Linear layers are
/// <c>layers.{i}</c>; a CNN's convolutions <c>convs.{i}</c> and its linear classifier <c>head</c>. Our models register
/// these names, import renames a foreign state_dict to them, and graph conversion reads them; a featurizer records
/// <see cref="Contract"/> so that a file made under other names is refused instead of misread.
/// </summary>
public static class CheckpointNaming
{
    public const string Contract = "layers.{i} | convs.{i}, head";

    public static string Linear(int i) => $"layers.{i}";

    public static string Conv(int i) => $"convs.{i}";

    public const string Head = "head";

    /// <summary>Every weight layer's name, input to output.</summary>
    public static string[] WeightLayers(Architecture arch) => arch.IsMlp
        ? [.. Enumerable.Range(0, arch.Sizes!.Length - 1).Select(Linear)]
        : [.. Enumerable.Range(0, arch.Convs!.Length).Select(Conv), Head];
}
