using StructureReps.Core;
using StructureReps.Zoo.Models;

namespace StructureReps.Zoo.Training;

/// <summary>
/// The hyper-parameters of a zoo's runs, drawn from a seeded grid around the task's defaults: learning rate
/// (×⅓, ×1, ×3), optimizer (Adam or SGD with momentum, SGD at 10× the rate), weight decay, dropout, data
/// fraction and width. Run r's draw depends only on (zoo seed, r), so shards and reruns agree.
/// </summary>
public static class ZooGrid
{
    public static readonly float[] LearningRateScales = [1f / 3, 1f, 3f];
    public static readonly float[] WeightDecays = [0f, 1e-4f, 1e-3f];
    public static readonly float[] Dropouts = [0f, 0.1f, 0.2f];
    public static readonly double[] DataFractions = [0.5, 0.75, 1.0];
    public static readonly double[] WidthScales = [0.75, 1.0, 1.25];

    public static TrainConfig Draw(TrainConfig defaults, ulong zooSeed, int run, int? epochs = null)
    {
        var rng = Rng.Derive(zooSeed, 1_000_000UL + (ulong)run);
        bool sgd = rng.NextInt(3) == 0; // one run in three uses SGD
        float lr = defaults.LearningRate * LearningRateScales[rng.NextInt(3)] * (sgd ? 10 : 1);
        return defaults with
        {
            Epochs = epochs ?? defaults.Epochs,
            Optimizer = sgd ? "sgd" : "adam",
            LearningRate = lr,
            WeightDecay = WeightDecays[rng.NextInt(3)],
            Dropout = Dropouts[rng.NextInt(3)],
            DataFraction = defaults.DataFraction * DataFractions[rng.NextInt(3)],
            WidthScale = WidthScales[rng.NextInt(3)],
            Seed = zooSeed * 100_003 + (ulong)run,
        };
    }

    /// <summary>The task's network with hidden widths (MLP) or channels (CNN) scaled, inputs and outputs fixed.</summary>
    public static Architecture Scale(Architecture a, double width)
    {
        if (width == 1.0) return a;
        int S(int n) => Math.Max(1, (int)Math.Round(n * width));
        if (a.IsMlp) return a with { Sizes = a.Sizes!.Select((s, i) => i == 0 || i == a.Sizes!.Length - 1 ? s : S(s)).ToArray() };
        return a with { Convs = a.Convs!.Select(c => c with { Out = S(c.Out) }).ToArray() };
    }
}
