namespace StructureReps.Pipeline.Reports;

/// <summary>The paper's Tables 1 (train accuracy) and 2 (test accuracy): Pearson r (mean, variance) per encoder and task.</summary>
public static class PaperNumbers
{
    public static readonly string[] Tasks = ["two-moons", "california-housing", "covertype", "cifar10", "imagenet-subset"];

    private static readonly Dictionary<string, (double, double)[]> Train = new()
    {
        ["ea-tc-lf"] = [(0.74, 0.0020), (0.39, 0.0271), (0.79, 0.1201), (0.94, 0.0001), (0.91, 0.0002)],
        ["ea-gc-lf"] = [(0.54, 0.0053), (0.26, 0.0100), (0.67, 0.0126), (0.84, 0.0003), (0.82, 0.0042)],
        ["gc-lf"] = [(0.10, 0.0583), (0.02, 0.0022), (0.04, 0.0045), (0.63, 0.0070), (0.56, 0.0053)],
        ["gc-rf"] = [(0.08, 0.0052), (-0.05, 0.0023), (0.02, 0.0031), (0.31, 0.0018), (0.16, 0.0073)],
    };

    private static readonly Dictionary<string, (double, double)[]> Test = new()
    {
        ["ea-tc-lf"] = [(0.71, 0.00231), (0.42, 0.0261), (0.86, 0.0595), (0.81, 0.004), (0.83, 0.0022)],
        ["ea-gc-lf"] = [(0.52, 0.0062), (0.29, 0.0080), (0.68, 0.0122), (0.73, 0.0014), (0.74, 0.0030)],
        ["gc-lf"] = [(0.09, 0.0560), (0.06, 0.0027), (0.06, 0.0042), (0.55, 0.0020), (0.42, 0.0012)],
        ["gc-rf"] = [(0.09, 0.0049), (-0.06, 0.0023), (0.03, 0.0036), (0.18, 0.0002), (0.11, 0.0082)],
    };

    /// <summary>The paper's r for an encoder on a task ("train" or "test" target), or null where it reports none.</summary>
    public static (double Mean, double Variance)? Get(Method method, string task, Decoding.Probing.Target target)
    {
        int i = Array.IndexOf(Tasks, task);
        var table = target == Decoding.Probing.Target.Train ? Train : Test;
        return i >= 0 && method.Kind == MethodKind.Encoder && table.TryGetValue(method.Encoder!, out var row) ? row[i] : null;
    }
}
