namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Mean negative log-likelihood of class labels: logits [N, C], labels [N] in [0, C) → scalar [].
    /// loss = −(1/N) Σᵢ log_softmax(logits)[i, labelᵢ]; composed of <see cref="LogSoftmax"/>,
    /// <see cref="IndexSelect"/> and <see cref="MeanAll"/>, whose rules give the backward (softmax − onehot)/N.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, IndexTensor labels)
    {
        Shapes.Rank("CrossEntropy", "logits", logits, 2);
        int n = logits.Shape[0], c = logits.Shape[1];
        if (labels.Length != n)
            throw new ShapeMismatchException($"CrossEntropy: {labels.Length} labels for {n} rows of logits {Shapes.Format(logits.Shape)}");
        var flat = new int[n];
        for (int i = 0; i < n; i++)
        {
            int y = labels.Values[i];
            if ((uint)y >= (uint)c)
                throw new ArgumentOutOfRangeException(nameof(labels), $"CrossEntropy: label[{i}] = {y} is outside [0, {c})");
            flat[i] = i * c + y;
        }
        var picked = IndexSelect(Reshape(LogSoftmax(logits), [n * c, 1]), new IndexTensor(flat));
        return Scale(MeanAll(picked), -1f);
    }
}
