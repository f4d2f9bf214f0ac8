namespace StructureReps.Decoding.Probing;

/// <summary>How checkpoints are split into the probe's training and held-out parts (<see cref="Splits"/>).</summary>
public enum Split
{
    /// <summary>All checkpoints at random (the paper's).</summary>
    Random,
    /// <summary>Whole runs held out: neighbouring epochs of one run never sit on both sides.</summary>
    ByRun,
    /// <summary>
    /// By run, with an encoder trained on the training runs only: the held-out networks are unseen by it too.
    /// </summary>
    Inductive,
}

/// <summary>What a probe predicts of a checkpoint.</summary>
public enum Target
{
    /// <summary>Its train performance (accuracy or R²).</summary>
    Train,
    /// <summary>Its test performance.</summary>
    Test,
}

/// <summary>
/// The names splits and targets go by in tables, reports and options: "random", "by-run", "inductive"; "train",
/// "test".
/// </summary>
public static class ProbeNames
{
    public static string Name(this Split split) => split switch
    {
        Split.Random => "random",
        Split.ByRun => "by-run",
        Split.Inductive => "inductive",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "split"),
    };

    public static string Name(this Target target) => target == Target.Train ? "train" : "test";

    public static Split ParseSplit(string name) =>
        Enum.GetValues<Split>().FirstOrDefault(s => s.Name() == name, (Split)(-1)) is var s && Enum.IsDefined(s)
            ? s
            : throw new ArgumentException(
                $"split '{name}' is not one of {string.Join(", ", Enum.GetValues<Split>().Select(x => x.Name()))}");

    /// <summary>The two targets, train first.</summary>
    public static readonly Target[] Targets = [Target.Train, Target.Test];
}
