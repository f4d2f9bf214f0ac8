using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using StructureReps.Core;

namespace StructureReps.Zoo.Data;

/// <summary>
/// California housing (Pace &amp; Barry 1997), 20,640 block groups, as scikit-learn's 8 features: MedInc, HouseAge,
/// AveRooms, AveBedrms, Population, AveOccup, Latitude, Longitude; target median house value in 100,000 USD.
/// Read from the StatLib form (`cal_housing.data[.gz]`, 9 columns, no missing values) or, as an alternative, the
/// handson-ml `housing.csv` (in `housing.tgz` or extracted), whose 207 blank total_bedrooms are imputed with the
/// training split's median AveBedrms. Features and target are standardized with training statistics (spec §2).
/// </summary>
public static class CaliforniaHousing
{
    public const int Rows = 20_640;
    public const string StatLibSha256 = "cdbc6f084852c03a4a55e6752938bb7d64c54b89813cbb8a21b0d25d1ade3e3c";
    public const string TgzSha256 = "d4cd501af90475f09b814c7447c7701f59bf28e8cf1180205ae5ace9737a0109";
    public static readonly string[] FeatureNames = ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude"];

    public static TaskData Load(string dataRoot, ulong seed = 0, bool verify = true)
    {
        string dir = Path.Combine(dataRoot, "california-housing");
        string statlib = Path.Combine(dir, "cal_housing.data.gz"), plain = Path.Combine(dir, "cal_housing.data");
        (float[] X, float[] Y) raw;
        string source;
        if (File.Exists(statlib) || File.Exists(plain))
        {
            string path = File.Exists(statlib) ? statlib : plain;
            if (verify && path == statlib) DataFiles.VerifySha256(path, StatLibSha256);
            using var s = DataFiles.Open(path);
            raw = ParseStatLib(s, path);
            source = path;
        }
        else
        {
            string tgz = DataFiles.Require(Path.Combine(dir, "housing.tgz"), "California housing: cal_housing.data.gz or housing.tgz");
            if (verify) DataFiles.VerifySha256(tgz, TgzSha256);
            raw = ReadHandsOnTgz(tgz);
            source = tgz;
        }
        return Prepare(raw.X, raw.Y, seed, source);
    }

    /// <summary>Splits 80/20 (seeded), imputes missing AveBedrms (NaN) with the training median, standardizes.</summary>
    public static TaskData Prepare(float[] x, float[] y, ulong seed, string source)
    {
        var (trainIdx, testIdx) = Preprocess.Split(y.Length, 0.2, seed);
        var full = new Dataset(x, [8], null, y, 0);
        var train = full.Subset(trainIdx);
        var test = full.Subset(testIdx);
        int missing = 0;
        var known = Enumerable.Range(0, train.Count).Select(i => train.X[i * 8 + 3]).Where(v => !float.IsNaN(v)).Order().ToArray();
        float median = known.Length == 0 ? 0 : known[known.Length / 2];
        foreach (var d in new[] { train, test })
            for (int i = 0; i < d.Count; i++)
                if (float.IsNaN(d.X[i * 8 + 3])) { d.X[i * 8 + 3] = median; missing++; }
        Preprocess.StandardizeColumns(train.X, test.X, 8, Enumerable.Range(0, 8).ToArray());
        Preprocess.StandardizeTargets(train.Targets!, test.Targets!);
        string prep = "8 scikit-learn features and target standardized with training statistics" +
                      (missing > 0 ? $"; {missing} missing AveBedrms imputed with the training median" : "");
        return new TaskData("california-housing", train, test, source, prep);
    }

    /// <summary>StatLib rows: longitude, latitude, housingMedianAge, totalRooms, totalBedrooms, population, households, medianIncome, medianHouseValue.</summary>
    public static (float[] X, float[] Y) ParseStatLib(Stream stream, string file, int? expectedRows = Rows)
    {
        var (v, rows) = DataFiles.ReadNumericCsv(stream, file, 9, expectedRows);
        var x = new float[rows * 8];
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            var r = v.AsSpan(i * 9, 9);
            if (r[6] <= 0) throw new DataFormatException(file, $"line {i + 1}, households", $"{r[6]} — expected a positive count");
            Derive(x.AsSpan(i * 8, 8), lon: r[0], lat: r[1], age: r[2], rooms: r[3], bedrooms: r[4], population: r[5], households: r[6], income: r[7]);
            y[i] = r[8] / 100_000f;
        }
        return (x, y);
    }

    private static void Derive(Span<float> f, float lon, float lat, float age, float rooms, float bedrooms, float population, float households, float income)
    {
        f[0] = income;
        f[1] = age;
        f[2] = rooms / households;
        f[3] = bedrooms / households; // NaN stays NaN: imputed after the split
        f[4] = population;
        f[5] = population / households;
        f[6] = lat;
        f[7] = lon;
    }

    /// <summary>handson-ml housing.csv: header, then 10 columns (the last, ocean_proximity, is text and unused).</summary>
    public static (float[] X, float[] Y) ParseHandsOnCsv(Stream stream, string file, int? expectedRows = Rows)
    {
        using var reader = new StreamReader(stream);
        string expectedHeader = "longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,households,median_income,median_house_value,ocean_proximity";
        var header = reader.ReadLine();
        if (header?.TrimEnd('\r') != expectedHeader)
            throw new DataFormatException(file, "header", $"expected '{expectedHeader}'");
        var x = new List<float>();
        var y = new List<float>();
        var f = new float[8];
        int line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            var cells = text.TrimEnd('\r').Split(',');
            if (cells.Length != 10) throw new DataFormatException(file, $"line {line}", $"{cells.Length} columns, expected 10");
            var v = new float[9];
            for (int c = 0; c < 9; c++)
            {
                if (c == 4 && cells[c].Length == 0) { v[c] = float.NaN; continue; }
                if (!float.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out v[c]))
                    throw new DataFormatException(file, $"line {line}, column {c + 1}", $"'{cells[c]}' is not a number");
            }
            Derive(f, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
            x.AddRange(f);
            y.Add(v[8] / 100_000f);
        }
        if (expectedRows is { } rows && y.Count != rows)
            throw new DataFormatException(file, "rows", $"{y.Count} rows, expected {rows}");
        return (x.ToArray(), y.ToArray());
    }

    private static (float[] X, float[] Y) ReadHandsOnTgz(string tgz)
    {
        using var gz = new GZipStream(File.OpenRead(tgz), CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        while (tar.GetNextEntry() is { } entry)
            if (entry.Name.EndsWith("housing.csv", StringComparison.Ordinal) && entry.DataStream is { } data)
                return ParseHandsOnCsv(data, $"{tgz}/{entry.Name}");
        throw new DataFormatException(tgz, "housing.csv", "the archive holds no housing.csv");
    }
}
