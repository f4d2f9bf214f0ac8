using StructureReps.Core;
using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Encoding;

namespace StructureReps.Services.Probing;

/// <summary>One row of `decode`'s table: a feature set's probe on one split and target.</summary>
public sealed record DecodeRow(string Features, Split Split, Target Target, ProbeSummary Summary);

/// <summary>What `decode` found: the table, why any of its cells is undefined, and the embeddings it read.</summary>
public sealed record DecodeResult(string Path, int Checkpoints, int Runs, int Dimensions, int Seeds,
    IReadOnlyList<DecodeRow> Rows, IReadOnlyList<string> Notes, IReadOnlyList<EmbeddingRow> Embeddings);

/// <summary>
/// The probe on one embeddings file (`decode`): the ridge probe on both splits and targets, beside the baselines
/// the files allow — the same encoder untrained (<see cref="UntrainedEmbeddings"/>, written by `encode train`) and
/// the epoch number alone — and the probe fitted on every row, saved for `predict`.
/// </summary>
public static class EmbeddingsDecoding
{
    /// <summary>
    /// The 80/20 split needs two test checkpoints for a correlation; the by-run split needs two runs.
    /// </summary>
    public const int MinimumCheckpoints = 10;

    /// <summary>Written by `encode train` beside embeddings.csv: the same encoder with its initial weights.</summary>
    public const string UntrainedEmbeddings = "embeddings-untrained.csv";

    public static DecodeResult Evaluate(string path, int seeds)
    {
        var rows = Read(path);
        var x = Features(rows);
        var runOf = rows.Select(r => r.Targets.Run).ToList();
        var notes = new List<string>();
        var features = new List<(string Label, List<double[]> X)> { ("encoder", x) };
        if (Constant(x))
            notes.Add("the encoder's embeddings are the same for every checkpoint: " +
                "its correlations are undefined (—)");
        string untrainedPath = System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, UntrainedEmbeddings);
        if (System.IO.Path.GetFileName(path) == "embeddings.csv" && File.Exists(untrainedPath))
        {
            var untrained = Embedder.ReadCsv(untrainedPath);
            if (untrained.Count == rows.Count && untrained.Zip(rows).All(p =>
                p.First.Targets.Run == p.Second.Targets.Run && p.First.Targets.Epoch == p.Second.Targets.Epoch))
                features.Add(("untrained encoder", Features(untrained)));
            else notes.Add($"{untrainedPath}: not the same checkpoints as {path}; the untrained baseline is left out");
        }
        features.Add(("epoch number", rows.Select(r => new double[] { r.Targets.Epoch }).ToList()));
        var targets = new[]
        {
            (Target.Train, rows.Select(r => r.Targets.TrainPerformance).ToList()),
            (Target.Test, rows.Select(r => r.Targets.TestPerformance).ToList()),
        };
        var table = new List<DecodeRow>();
        foreach (var (label, fx) in features)
            foreach (var split in Splits.Modes)
                foreach (var (target, y) in targets)
                    table.Add(new DecodeRow(label, split, target, ProbeRunner.Evaluate(fx, y, runOf, split, seeds)));
        return new DecodeResult(path, rows.Count, runOf.Distinct().Count(), x[0].Length, seeds, table, notes, rows);
    }

    /// <summary>
    /// The probe fitted on every row of <paramref name="embeddingsPath"/>, tied to the encoder that made them (its
    /// file's SHA-256), with the span of the targets fitted on and what they measure.
    /// </summary>
    public static SavedProbe FitProbe(string embeddingsPath, string encoderPath) =>
        FitProbe(embeddingsPath, Read(embeddingsPath), encoderPath);

    /// <summary><see cref="FitProbe(string, string)"/> on rows already read (and checked) from that file.</summary>
    public static SavedProbe FitProbe(string embeddingsPath, IReadOnlyList<EmbeddingRow> rows, string encoderPath)
    {
        var x = Features(rows);
        var encoder = EncoderFile.Read(encoderPath);
        if (encoder.Config.EmbeddingWidth != x[0].Length)
            throw new InvalidOperationException(
                $"{encoderPath}: gives {encoder.Config.EmbeddingWidth}-dim embeddings, " +
                $"{embeddingsPath} holds {x[0].Length}-dim ones; not the encoder that made them");
        var trainY = rows.Select(r => r.Targets.TrainPerformance).ToList();
        var testY = rows.Select(r => r.Targets.TestPerformance).ToList();
        var train = RidgeProbe.Fit(x, trainY, RidgeProbe.DefaultLambda);
        var test = RidgeProbe.Fit(x, testY, RidgeProbe.DefaultLambda);
        var tasks = rows.Select(r => r.Task).Distinct().ToList();
        // What the targets measure: as the encoder's training runs recorded it, else as the task registry says.
        string performance = encoder.Performance ?? (tasks.Count == 1 ? Zoo.Tasks.PerformanceOf(tasks[0]) : "");
        return new SavedProbe(SavedProbe.FormatName, Zoo.Data.DataFiles.Sha256(encoderPath), encoder.Config.Name,
            encoder.Epoch, x[0].Length, performance, rows.Count, RidgeProbe.DefaultLambda, train.State, test.State,
            System.IO.Path.GetFullPath(embeddingsPath), TargetRange.Of(trainY), TargetRange.Of(testY));
    }

    /// <summary>
    /// An embeddings file a probe can be scored on: at least <see cref="MinimumCheckpoints"/> checkpoints of two runs,
    /// each checkpoint once (a row twice would sit on both sides of a split and inflate the score), and targets that
    /// vary (a correlation with a constant is undefined).
    /// </summary>
    public static List<EmbeddingRow> Read(string path)
    {
        var rows = Embedder.ReadCsv(path);
        var runs = rows.Select(r => r.Targets.Run).Distinct().Count();
        if (rows.Count < MinimumCheckpoints || runs < 2)
            throw new DataFormatException(path, "rows",
                $"{rows.Count} checkpoints of {runs} runs; " +
                $"the probe needs at least {MinimumCheckpoints} checkpoints of 2 runs");
        var first = new Dictionary<(string, int, int), int>();
        for (int i = 0; i < rows.Count; i++)
        {
            var key = (rows[i].Task, rows[i].Targets.Run, rows[i].Targets.Epoch);
            if (first.TryGetValue(key, out int earlier))
                throw new DataFormatException(path, $"row {i + 1}",
                    $"run {key.Item2}, epoch {key.Item3} again (first at row {earlier + 1}): " +
                    $"each checkpoint once, or a split would hold it on both sides");
            first[key] = i;
        }
        foreach (var (name, value) in new (string, Func<EmbeddingRow, double>)[]
            { ("train_perf", r => r.Targets.TrainPerformance), ("test_perf", r => r.Targets.TestPerformance) })
        {
            double v0 = value(rows[0]);
            if (rows.All(r => value(r) == v0))
                throw new DataFormatException(path, name,
                    $"{v0} for all {rows.Count} checkpoints: a correlation with a constant target is undefined");
        }
        return rows;
    }

    private static List<double[]> Features(IReadOnlyList<EmbeddingRow> rows) =>
        [.. rows.Select(r => r.Vector.Select(v => (double)v).ToArray())];

    private static bool Constant(List<double[]> x) => x.All(r => r.AsSpan().SequenceEqual(x[0]));
}
