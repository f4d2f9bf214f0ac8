using StructureReps.Cli.Commands;
using StructureReps.Core;
using StructureReps.Graphs.Encoding;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Cli;

/// <summary>
/// An embeddings file the probe cannot use is refused with its name, the line and column: non-finite values (a
/// diverged encoder), non-finite targets, out-of-range integers, and too few checkpoints or runs for the splits.
/// </summary>
public sealed class DecodeInputTests
{
    private static string Csv(TempDir dir, int rows, int runs, Func<int, int, string>? cell = null)
    {
        var lines = new List<string> { Embedder.Header + ",z0,z1" };
        for (int i = 0; i < rows; i++)
            lines.Add($"t,{i % runs},{i},0.{i + 1},0.{i + 2},1,1,{cell?.Invoke(i, 0) ?? (0.1 * i).ToString(System.Globalization.CultureInfo.InvariantCulture)},{cell?.Invoke(i, 1) ?? "0.5"}");
        string path = Path.Combine(dir.Path, "embeddings.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Theory]
    [InlineData("NaN", "line 5, z1")]
    [InlineData("Infinity", "line 5, z1")]
    [InlineData("-Infinity", "line 5, z1")]
    public void Non_finite_embedding_values_name_the_line_and_column(string value, string field)
    {
        using var dir = new TempDir();
        string path = Csv(dir, 12, 3, (i, k) => i == 3 && k == 1 ? value : null!);
        var e = Assert.Throws<DataFormatException>(() => Embedder.ReadCsv(path));
        Assert.Equal(path, e.File);
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Run_numbers_beyond_the_integer_range_are_a_format_error()
    {
        using var dir = new TempDir();
        string path = Csv(dir, 12, 3);
        File.WriteAllLines(path, File.ReadAllLines(path).Select((l, i) => i == 2 ? "t,99999999999" + l[l.IndexOf(',', 2)..] : l));
        var e = Assert.Throws<DataFormatException>(() => Embedder.ReadCsv(path));
        Assert.Equal("line 3", e.Field);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 3)]
    [InlineData(30, 1)]
    public void Decode_needs_ten_checkpoints_of_two_runs(int rows, int runs)
    {
        using var dir = new TempDir();
        string path = Csv(dir, rows, runs);
        var e = Assert.Throws<DataFormatException>(() => DecodeCommand.Run(["--embeddings", path]));
        Assert.Equal(path, e.File);
        Assert.Contains("at least 10 checkpoints of 2 runs", e.Message);
    }

    [Fact]
    public void A_file_without_embedding_columns_and_a_one_row_plot_are_refused_naming_the_file()
    {
        using var dir = new TempDir();
        string none = Path.Combine(dir.Path, "none.csv");
        File.WriteAllLines(none, [Embedder.Header, "t,0,0,0.5,0.5,1,1"]);
        var e = Assert.Throws<DataFormatException>(() => Embedder.ReadCsv(none));
        Assert.Equal("header", e.Field);
        string one = Csv(dir, 1, 1);
        e = Assert.Throws<DataFormatException>(() => PlotCommand.Run(["--embeddings", one, "--out", Path.Combine(dir.Path, "p.png")]));
        Assert.Equal(one, e.File);
        Assert.False(File.Exists(Path.Combine(dir.Path, "p.png")));
    }

    [Fact]
    public void Decode_runs_on_enough_checkpoints()
    {
        using var dir = new TempDir();
        Assert.Equal(0, DecodeCommand.Run(["--embeddings", Csv(dir, 20, 4), "--seeds", "2"]));
    }
}
