namespace StructureReps.Decoding.Probing;

/// <summary>
/// Train/test splits of checkpoints (spec §7): <c>random</c> over all rows (the paper's), or <c>by-run</c>
/// (whole runs held out, so neighbouring epochs of one run never sit on both sides). Seeded, 80/20.
/// </summary>
public static class Splits
{
    public static readonly string[] Modes = ["random", "by-run"];

    /// <summary>
    /// The by-run split with an encoder trained on the training runs' graphs only, so the held-out networks are
    /// unseen by the encoder as well as by the probe (<see cref="ProbeRunner.EvaluateInductive"/>).
    /// </summary>
    public const string Inductive = "inductive";

    /// <summary>Row indices of the training and test parts; <paramref name="runOf"/> gives each row's run.</summary>
    public static (int[] Train, int[] Test) Make(string mode, IReadOnlyList<int> runOf, ulong seed, double trainFraction = 0.8)
    {
        var rng = Core.Rng.Derive(seed, 0x5B117);
        switch (mode)
        {
            case "random":
                {
                    var order = Enumerable.Range(0, runOf.Count).ToArray();
                    rng.Shuffle(order);
                    int cut = (int)Math.Round(order.Length * trainFraction);
                    return (order[..cut].Order().ToArray(), order[cut..].Order().ToArray());
                }
            case "by-run":
                {
                    var runs = runOf.Distinct().Order().ToArray();
                    if (runs.Length < 2) throw new ArgumentException($"by-run split: needs at least 2 runs, the zoo has {runs.Length}");
                    rng.Shuffle(runs);
                    int cut = Math.Clamp((int)Math.Round(runs.Length * trainFraction), 1, runs.Length - 1);
                    var trainRuns = runs[..cut].ToHashSet();
                    var all = Enumerable.Range(0, runOf.Count);
                    return (all.Where(i => trainRuns.Contains(runOf[i])).ToArray(), all.Where(i => !trainRuns.Contains(runOf[i])).ToArray());
                }
            default:
                throw new ArgumentException($"split '{mode}' is not one of {string.Join(", ", Modes)}");
        }
    }
}
