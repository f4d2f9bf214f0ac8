namespace StructureReps.Decoding.Probing;

/// <summary>
/// Train/test splits of checkpoints (spec §7): <c>random</c> over all rows (the paper's), or <c>by-run</c>
/// (whole runs held out, so neighbouring epochs of one run never sit on both sides). Seeded, 80/20.
/// </summary>
public static class Splits
{
    /// <summary>The splits of checkpoints that need no encoder of their own (<see cref="Split.Inductive"/> does).</summary>
    public static readonly Split[] Modes = [Split.Random, Split.ByRun];

    /// <summary>Row indices of the training and test parts; <paramref name="runOf"/> gives each row's run.</summary>
    public static (int[] Train, int[] Test) Make(Split mode, IReadOnlyList<int> runOf, ulong seed, double trainFraction = 0.8)
    {
        var rng = Core.Rng.Derive(seed, 0x5B117);
        switch (mode)
        {
            case Split.Random:
                {
                    var order = Enumerable.Range(0, runOf.Count).ToArray();
                    rng.Shuffle(order);
                    int cut = (int)Math.Round(order.Length * trainFraction);
                    return (order[..cut].Order().ToArray(), order[cut..].Order().ToArray());
                }
            case Split.ByRun:
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
                throw new ArgumentException($"split '{mode.Name()}' has no split of its own (it is by-run with an encoder per seed)");
        }
    }
}
