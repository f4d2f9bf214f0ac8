namespace StructureReps.Zoo.Data;

/// <summary>
/// Samples as one flat float32 array, row-major [Count, ..SampleShape] (tabular: [d]; images: [C, H, W]), with
/// integer class labels (classification) or float targets (regression, <see cref="Classes"/> = 0).
/// </summary>
public sealed class Dataset
{
    public Dataset(float[] x, int[] sampleShape, int[]? labels, float[]? targets, int classes)
    {
        SampleShape = sampleShape;
        SampleSize = sampleShape.Aggregate(1, (a, d) => a * d);
        if (SampleSize == 0 || x.Length % SampleSize != 0)
            throw new ArgumentException($"Dataset: {x.Length} values do not split into samples of shape [{string.Join(", ", sampleShape)}]");
        Count = x.Length / SampleSize;
        if ((labels is null) == (targets is null)) throw new ArgumentException("Dataset: give labels or targets, not both");
        if ((labels?.Length ?? targets!.Length) != Count)
            throw new ArgumentException($"Dataset: {Count} samples but {labels?.Length ?? targets!.Length} labels/targets");
        X = x;
        Labels = labels;
        Targets = targets;
        Classes = classes;
    }

    public float[] X { get; }
    public int[] SampleShape { get; }
    public int SampleSize { get; }
    public int Count { get; }
    public int[]? Labels { get; }
    public float[]? Targets { get; }
    public int Classes { get; }
    public bool IsRegression => Labels is null;

    /// <summary>The samples at the given indices, in that order.</summary>
    public Dataset Subset(IReadOnlyList<int> indices)
    {
        var x = new float[indices.Count * SampleSize];
        for (int i = 0; i < indices.Count; i++)
            X.AsSpan(indices[i] * SampleSize, SampleSize).CopyTo(x.AsSpan(i * SampleSize));
        return new Dataset(x, SampleShape, Labels is null ? null : indices.Select(i => Labels[i]).ToArray(),
            Targets is null ? null : indices.Select(i => Targets[i]).ToArray(), Classes);
    }

    public Dataset Take(int count) => Subset(Enumerable.Range(0, Math.Min(count, Count)).ToArray());
}

/// <summary>A task's train and test splits, already preprocessed, and where they came from.</summary>
public sealed record TaskData(string Task, Dataset Train, Dataset Test, string Source, string Preprocessing);
