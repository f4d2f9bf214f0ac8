namespace StructureReps.Zoo.Data;

/// <summary>
/// Standardization with statistics from the training split only (the test split is transformed with the
/// training mean and standard deviation, so nothing about the test set leaks into the inputs).
/// </summary>
public static class Preprocess
{
    /// <summary>Standardizes the given columns of a [n, d] table in both splits; returns (mean, std) per column.</summary>
    public static (double[] Mean, double[] Std) StandardizeColumns(float[] train, float[] test, int d, IReadOnlyList<int> columns)
    {
        int n = train.Length / d;
        var mean = new double[columns.Count];
        var std = new double[columns.Count];
        for (int c = 0; c < columns.Count; c++)
        {
            int col = columns[c];
            double s = 0, ss = 0;
            for (int i = 0; i < n; i++) s += train[i * d + col];
            double m = s / n;
            for (int i = 0; i < n; i++) { double v = train[i * d + col] - m; ss += v * v; }
            double sd = Math.Sqrt(ss / n);
            if (sd < 1e-12) sd = 1; // a constant column stays centred, not divided by zero
            mean[c] = m;
            std[c] = sd;
            foreach (var table in new[] { train, test })
                for (int i = 0; i < table.Length / d; i++)
                    table[i * d + col] = (float)((table[i * d + col] - m) / sd);
        }
        return (mean, std);
    }

    /// <summary>Standardizes each channel of [n, C, H·W] images with the training split's per-channel statistics.</summary>
    public static (double[] Mean, double[] Std) StandardizeChannels(float[] train, float[] test, int channels, int pixels)
    {
        int n = train.Length / (channels * pixels);
        var mean = new double[channels];
        var std = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            double s = 0, ss = 0;
            for (int i = 0; i < n; i++)
                foreach (float v in train.AsSpan((i * channels + c) * pixels, pixels)) s += v;
            double m = s / ((double)n * pixels);
            for (int i = 0; i < n; i++)
                foreach (float v in train.AsSpan((i * channels + c) * pixels, pixels)) ss += (v - m) * (v - m);
            double sd = Math.Max(Math.Sqrt(ss / ((double)n * pixels)), 1e-12);
            mean[c] = m;
            std[c] = sd;
            foreach (var images in new[] { train, test })
                for (int i = 0; i < images.Length / (channels * pixels); i++)
                {
                    var span = images.AsSpan((i * channels + c) * pixels, pixels);
                    for (int p = 0; p < pixels; p++) span[p] = (float)((span[p] - m) / sd);
                }
        }
        return (mean, std);
    }

    /// <summary>Standardizes regression targets with the training split's statistics.</summary>
    public static (double Mean, double Std) StandardizeTargets(float[] train, float[] test)
    {
        double m = train.Average(v => (double)v);
        double sd = Math.Sqrt(train.Average(v => (v - m) * (v - m)));
        if (sd < 1e-12) sd = 1;
        for (int i = 0; i < train.Length; i++) train[i] = (float)((train[i] - m) / sd);
        for (int i = 0; i < test.Length; i++) test[i] = (float)((test[i] - m) / sd);
        return (m, sd);
    }

    /// <summary>A seeded random permutation split: the first ⌈(1−testFraction)·n⌉ indices train, the rest test.</summary>
    public static (int[] Train, int[] Test) Split(int n, double testFraction, ulong seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
        new Core.Rng(seed).Shuffle(order);
        int nTest = (int)Math.Round(n * testFraction);
        return (order[nTest..], order[..nTest]);
    }
}
