using System.IO.Compression;
using StructureReps.Core;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Data;
using Xunit;

namespace StructureReps.Tests.Zoo;

/// <summary>
/// Dataset files the zoo cannot train on fail naming the file and the place: non-finite cells (a NaN would make a
/// run's loss and R² NaN) and damaged gzip data (InvalidDataException carries no file name).
/// </summary>
public sealed class DataFileFaultTests
{
    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-inf")]
    public void A_non_finite_cell_names_the_line_and_column(string cell)
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "data.csv");
        File.WriteAllLines(path, ["1,2,3", $"4,{cell},6"]);
        using var stream = File.OpenRead(path);
        var e = Assert.Throws<DataFormatException>(() => DataFiles.ReadNumericCsv(stream, path, 3));
        Assert.Equal("line 2, column 2", e.Field);
    }

    [Fact]
    public void Damaged_gzip_data_names_the_file()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "data.csv.gz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        using (var w = new StreamWriter(gz))
            for (int i = 0; i < 2000; i++) w.WriteLine($"{i},{i * 2},{i * 3}");
        var bytes = File.ReadAllBytes(path);
        for (int i = 20; i < bytes.Length - 20; i += 7) bytes[i] ^= 0x5A; // damage the deflate stream, keep the header
        File.WriteAllBytes(path, bytes);
        using var stream = DataFiles.Open(path);
        var e = Assert.Throws<DataFormatException>(() => DataFiles.ReadNumericCsv(stream, path, 3));
        Assert.Equal(path, e.File);
    }
}
