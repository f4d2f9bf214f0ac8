namespace StructureReps.Zoo.Training;

/// <summary>The hyper-parameters of one run of a zoo (written to run.json).</summary>
public sealed record TrainConfig
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;
    public string Optimizer { get; init; } = "adam"; // adam | adamw | sgd
    public float LearningRate { get; init; } = 1e-3f;
    public float Momentum { get; init; } = 0.9f;
    public float WeightDecay { get; init; }
    public float Dropout { get; init; }
    /// <summary>Fraction of the training split this run sees (a fixed, seeded subset).</summary>
    public double DataFraction { get; init; } = 1.0;
    /// <summary>Width multiplier of the hidden layers / channels (1 = the task's default network).</summary>
    public double WidthScale { get; init; } = 1.0;
    public ulong Seed { get; init; }
}

/// <summary>One row of metrics.csv: performance is accuracy (classification) or R² (regression).</summary>
public sealed record EpochMetrics(int Epoch, double TrainPerformance, double TestPerformance, double TrainLoss, double TestLoss)
{
    public const string Header = "epoch,train_perf,test_perf,train_loss,test_loss";

    public string ToCsv() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Epoch},{TrainPerformance:R},{TestPerformance:R},{TrainLoss:R},{TestLoss:R}");

    public static EpochMetrics Parse(string line, string file, int lineNumber)
    {
        var c = line.Split(',');
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (c.Length != 5 || !int.TryParse(c[0], inv, out int e)
            || !double.TryParse(c[1], inv, out double a) || !double.TryParse(c[2], inv, out double b)
            || !double.TryParse(c[3], inv, out double d) || !double.TryParse(c[4], inv, out double f))
            throw new Core.DataFormatException(file, $"line {lineNumber}", $"expected '{Header}' values, got '{line}'");
        return new EpochMetrics(e, a, b, d, f);
    }
}
