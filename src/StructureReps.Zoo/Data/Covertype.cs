using StructureReps.Core;

namespace StructureReps.Zoo.Data;

/// <summary>
/// Forest covertype (Blackard 1998): 54 features (10 quantitative, 4 wilderness and 40 soil 0/1 columns), 7
/// classes 1–7 mapped to 0–6. The default is mlpack's 100,000-row random sample (features and labels in two
/// gzipped CSVs); the full UCI `covtype.data[.gz]` (55 columns, the label last) is read when present.
/// 80/20 seeded split; the 10 quantitative columns standardized with training statistics.
/// </summary>
public static class Covertype
{
    public const int Features = 54, Classes = 7, SampleRows = 100_000, FullRows = 581_012;
    public const string SampleDataSha256 = "3d378bd9b12d6bc5f4315e666afc576e628b75633ef43cbc9dc415e6d50fa4a7";
    public const string SampleLabelsSha256 = "1de71da3a1465b4ace42c7bbe3e8207d25cd1be90ed760d7504cc7352610d6d1";

    public static TaskData Load(string dataRoot, ulong seed = 0, bool verify = true)
    {
        string dir = Path.Combine(dataRoot, "covertype");
        foreach (var full in new[] { "covtype.data.gz", "covtype.data" })
        {
            string path = Path.Combine(dir, full);
            if (!File.Exists(path)) continue;
            using var s = DataFiles.Open(path);
            var (fx, fy) = ParseUci(s, path, FullRows);
            return Prepare(fx, fy, seed, path);
        }
        string data = DataFiles.Require(Path.Combine(dir, "covertype-small.data.csv.gz"), "covertype sample features");
        string labels = DataFiles.Require(Path.Combine(dir, "covertype-small.labels.csv.gz"), "covertype sample labels");
        if (verify)
        {
            DataFiles.VerifySha256(data, SampleDataSha256);
            DataFiles.VerifySha256(labels, SampleLabelsSha256);
        }
        using var ds = DataFiles.Open(data);
        using var ls = DataFiles.Open(labels);
        var (x, y) = ParseSample(ds, data, ls, labels, SampleRows);
        return Prepare(x, y, seed, $"{data} (mlpack's 100k sample)");
    }

    public static TaskData Prepare(float[] x, int[] y, ulong seed, string source)
    {
        var (trainIdx, testIdx) = Preprocess.Split(y.Length, 0.2, seed);
        var all = new Dataset(x, [Features], y, null, Classes);
        var train = all.Subset(trainIdx);
        var test = all.Subset(testIdx);
        Preprocess.StandardizeColumns(train.X, test.X, Features, Enumerable.Range(0, 10).ToArray());
        return new TaskData("covertype", train, test, source, "10 quantitative columns standardized with training statistics; labels 1–7 → 0–6");
    }

    public static (float[] X, int[] Y) ParseSample(Stream data, string dataFile, Stream labels, string labelFile, int? expectedRows)
    {
        var (x, rows) = DataFiles.ReadNumericCsv(data, dataFile, Features, expectedRows);
        var (l, labelRows) = DataFiles.ReadNumericCsv(labels, labelFile, 1, expectedRows);
        if (labelRows != rows) throw new DataFormatException(labelFile, "rows", $"{labelRows} labels for {rows} feature rows in {dataFile}");
        return (x, ToClasses(l, labelFile, 1));
    }

    /// <summary>UCI layout: 55 comma-separated integers per line, the cover type (1–7) last.</summary>
    public static (float[] X, int[] Y) ParseUci(Stream stream, string file, int? expectedRows)
    {
        var (v, rows) = DataFiles.ReadNumericCsv(stream, file, Features + 1, expectedRows);
        var x = new float[rows * Features];
        var raw = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            v.AsSpan(i * (Features + 1), Features).CopyTo(x.AsSpan(i * Features));
            raw[i] = v[i * (Features + 1) + Features];
        }
        return (x, ToClasses(raw, file, Features + 1));
    }

    private static int[] ToClasses(float[] raw, string file, int column)
    {
        var y = new int[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            float c = raw[i];
            if (c != MathF.Round(c) || c < 1 || c > Classes)
                throw new DataFormatException(file, $"line {i + 1}, column {column}", $"label {c} is not a cover type 1–{Classes}");
            y[i] = (int)c - 1;
        }
        return y;
    }
}
