using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using StructureReps.Core;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Data;

namespace StructureReps.Tests.Zoo;

/// <summary>Readers on real data from ../shared/datasets (skipped where absent) and on malformed files.</summary>
public class DatasetReaderTests
{
    private static readonly string Root = DataFiles.DefaultRoot();

    private static MemoryStream Text(string s) => new(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Two_moons_is_seeded_balanced_and_has_the_right_shape()
    {
        var a = TwoMoons.Generate(101, 0.1, 7);
        var b = TwoMoons.Generate(101, 0.1, 7);
        Assert.Equal(a.X, b.X);
        Assert.Equal(101, a.Count);
        Assert.Equal(50, a.Labels!.Count(l => l == 0));
        Assert.NotEqual(a.X, TwoMoons.Generate(101, 0.1, 8).X);
        var clean = TwoMoons.Generate(200, 0, 1); // without noise: every point on its half circle
        for (int i = 0; i < 200; i++)
        {
            double x = clean.X[2 * i], y = clean.X[2 * i + 1];
            double r = clean.Labels![i] == 0 ? Math.Sqrt(x * x + y * y) : Math.Sqrt((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5));
            Assert.Equal(1.0, r, 5);
        }
    }

    [DataFact("california-housing/cal_housing.data.gz")]
    public void California_housing_statlib_gives_the_scikit_learn_features()
    {
        string path = Path.Combine(Root, "california-housing", "cal_housing.data.gz");
        using var s = DataFiles.Open(path);
        var (x, y) = CaliforniaHousing.ParseStatLib(s, path);
        Assert.Equal(20_640, y.Length);
        // First row of cal_housing.data: -122.23,37.88,41,880,129,322,126,8.3252,452600 (scikit-learn's row 0).
        Assert.Equal(8.3252f, x[0], 4);        // MedInc
        Assert.Equal(41f, x[1]);               // HouseAge
        Assert.Equal(880f / 126, x[2], 4);     // AveRooms
        Assert.Equal(129f / 126, x[3], 4);     // AveBedrms
        Assert.Equal(322f / 126, x[5], 4);     // AveOccup
        Assert.Equal(37.88f, x[6], 4);
        Assert.Equal(-122.23f, x[7], 4);
        Assert.Equal(4.526f, y[0], 4);
        var task = CaliforniaHousing.Load(Root, seed: 1);
        Assert.Equal(16_512, task.Train.Count);
        Assert.Equal(4_128, task.Test.Count);
        Assert.Equal(0, task.Train.Targets!.Average(v => (double)v), 6); // standardized on the training split
    }

    [Fact]
    public void California_hands_on_csv_imputes_blank_bedrooms()
    {
        string csv = "longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,households,median_income,median_house_value,ocean_proximity\n" +
                     "-122.23,37.88,41,880,129,322,126,8.3252,452600,NEAR BAY\n" +
                     "-122.22,37.86,21,7099,,2401,1138,8.3014,358500,NEAR BAY\n";
        var (x, y) = CaliforniaHousing.ParseHandsOnCsv(Text(csv), "housing.csv", expectedRows: 2);
        Assert.True(float.IsNaN(x[8 + 3]));
        var task = CaliforniaHousing.Prepare(x, y, 0, "housing.csv");
        Assert.Contains("imputed", task.Preprocessing);
        Assert.DoesNotContain(task.Train.X.Concat(task.Test.X), float.IsNaN);
    }

    [Theory]
    [InlineData("1,2,3,4,5,6,7,8\n", "8 columns, expected 9")]
    [InlineData("1,2,3,4,5,6,7,8,9,10\n", "more than the expected 9")]
    [InlineData("1,2,3,x,5,6,7,8,9\n", "'x' is not a number")]
    [InlineData("1,2,3,4,5,6,0,8,9\n", "households")]
    public void California_malformed_rows_name_the_line(string text, string expected)
    {
        var e = Assert.Throws<DataFormatException>(() => CaliforniaHousing.ParseStatLib(Text(text), "cal.data", null));
        Assert.Contains(expected, e.Message);
        Assert.Contains("cal.data: line 1", e.Message);
    }

    [Fact]
    public void California_bad_header_and_truncated_file_are_reported()
    {
        Assert.Contains("header", Assert.Throws<DataFormatException>(() => CaliforniaHousing.ParseHandsOnCsv(Text("a,b\n1,2\n"), "h.csv")).Message);
        Assert.Contains("1 rows, expected 20640", Assert.Throws<DataFormatException>(() => CaliforniaHousing.ParseStatLib(Text("1,2,3,4,5,6,7,8,9\n"), "cal.data")).Message);
    }

    [DataFact("covertype/covertype-small.data.csv.gz")]
    public void Covertype_sample_loads_with_checked_counts_and_labels()
    {
        var task = Covertype.Load(Root, seed: 0);
        Assert.Equal(80_000, task.Train.Count);
        Assert.Equal(20_000, task.Test.Count);
        var counts = task.Train.Labels!.Concat(task.Test.Labels!).GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()).ToArray();
        Assert.Equal([36_307, 49_000, 6_133, 481, 1_663, 2_990, 3_426], counts); // datasets README
        // One-hot columns are not standardized: exactly one wilderness area per row.
        for (int i = 0; i < 100; i++) Assert.Equal(1f, task.Train.X.AsSpan(i * 54 + 10, 4).ToArray().Sum());
    }

    [Fact]
    public void Covertype_uci_layout_reads_the_last_column_as_the_label()
    {
        var row = string.Join(",", Enumerable.Range(0, 54).Select(i => i < 10 ? (i * 10).ToString() : (i == 10 || i == 20 ? "1" : "0")));
        var (x, y) = Covertype.ParseUci(Text($"{row},3\n{row},7\n"), "covtype.data", null);
        Assert.Equal([2, 6], y);
        Assert.Equal(108, x.Length);
        var e = Assert.Throws<DataFormatException>(() => Covertype.ParseUci(Text($"{row},8\n"), "covtype.data", null));
        Assert.Contains("label 8 is not a cover type 1–7", e.Message);
        Assert.Contains("column 55", e.Message);
        Assert.Contains("54 columns, expected 55", Assert.Throws<DataFormatException>(() => Covertype.ParseUci(Text(row + "\n"), "covtype.data", null)).Message);
    }

    [DataFact(FashionMnist.DebianDir + "/train-images-idx3-ubyte.gz")]
    public void Fashion_mnist_slice_has_the_known_header_and_labels()
    {
        var task = FashionMnist.Load(Root, maxTrain: 2000, maxTest: 500);
        Assert.Equal(2000, task.Train.Count);
        Assert.Equal([1, 28, 28], task.Train.SampleShape);
        Assert.Equal(9, task.Train.Labels![0]); // the first training image is an ankle boot
        Assert.Equal(0, task.Train.X.Average(v => (double)v), 4);
        Assert.All(task.Train.Labels!, l => Assert.InRange(l, 0, 9));
    }

    private static byte[] IdxImages(int magic, int n, int rows, int cols, int pixelBytes)
    {
        var b = new byte[16 + pixelBytes];
        BinaryPrimitives.WriteInt32BigEndian(b, magic);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), n);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(12), cols);
        return b;
    }

    [Fact]
    public void Idx_errors_name_the_problem()
    {
        Assert.Contains("expected 2051", Assert.Throws<DataFormatException>(() => Idx.ReadImages(new MemoryStream(IdxImages(2049, 1, 2, 2, 4)), "img")).Message);
        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => Idx.ReadImages(new MemoryStream(IdxImages(2051, 3, 2, 2, 5)), "img")).Message);
        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => Idx.ReadImages(new MemoryStream([0, 0, 8]), "img")).Message);
        var labels = new byte[8 + 2];
        BinaryPrimitives.WriteInt32BigEndian(labels, 2049);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), 2);
        labels[9] = 12;
        Assert.Contains("label 1: 12 is not a class 0–9", Assert.Throws<DataFormatException>(() => Idx.ReadLabels(new MemoryStream(labels), "lab", 10)).Message);
    }

    [DataFact("cifar10/cifar-10-batches-bin/data_batch_1.bin.gz")]
    public void Cifar10_binary_batch_has_the_known_first_labels_and_class_counts()
    {
        string path = Path.Combine(Root, "cifar10", "cifar-10-batches-bin", "data_batch_1.bin.gz");
        using var s = DataFiles.Open(path);
        var d = Cifar10.ReadBatch(s, path);
        Assert.Equal(10_000, d.Count);
        Assert.Equal([6, 9, 9, 4, 1, 1, 2, 7, 8, 3], d.Labels![..10]); // frog, truck, truck, deer, automobile, …
        Assert.Equal([1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981], d.Labels!.GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()));
    }

    [Fact]
    public void Cifar10_truncated_record_and_bad_label_are_reported()
    {
        var record = new byte[Cifar10.RecordBytes * 2 - 10];
        Assert.Contains("record 1", Assert.Throws<DataFormatException>(() => Cifar10.ReadBatch(new MemoryStream(record), "b.bin")).Message);
        record = new byte[Cifar10.RecordBytes];
        record[0] = 10;
        Assert.Contains("10 is not a class", Assert.Throws<DataFormatException>(() => Cifar10.ReadBatch(new MemoryStream(record), "b.bin")).Message);
    }

    [Fact]
    public void Checksum_mismatch_names_the_file()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x.gz"), "not the data");
        var e = Assert.Throws<DataFormatException>(() => DataFiles.VerifySha256(dir.File("x.gz"), CaliforniaHousing.StatLibSha256));
        Assert.Contains("sha256", e.Message);
        Assert.Contains("x.gz", e.Message);
    }
}
