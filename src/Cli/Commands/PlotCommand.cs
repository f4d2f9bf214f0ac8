using StructureReps.Graphs.Encoding;
using StructureReps.Pipeline.Reports;

namespace StructureReps.Cli.Commands;

/// <summary>`plot`: the embeddings' 2-D PCA coloured by a target.</summary>
public static class PlotCommand
{
    public static readonly CommandSpec[] Specs =
    [
        new("plot", """
            the embeddings' 2-D PCA, coloured by a target (ScottPlot, headless)
            example: structurereps plot --embeddings enc/moons/embeddings.csv --out moons.png
            """,
        [
            new("--embeddings", "FILE", "embeddings.csv"),
            new("--out", "PNG", "the picture"),
            new("--color", "BY", "test (default), train, epoch or run", ["test", "train", "epoch", "run"]),
        ], Plot),
    ];

    /// <summary>`plot …`, as the command line gives it.</summary>
    public static int Run(string[] args) => CommandLine.Run(["plot", .. args]);

    /// <summary>`plot --embeddings CSV --out PNG`: the embeddings' 2-D PCA coloured by a target.</summary>
    private static int Plot(Args opts)
    {
        string path = opts.RequiredPath("--embeddings"), output = opts.RequiredPath("--out");
        string color = opts.String("--color") ?? "test";
        if (color is not ("test" or "train" or "epoch" or "run")) throw new UsageException($"--color: '{color}' is not test, train, epoch or run");
        opts.EnsureAllUsed();
        var rows = Embedder.ReadCsv(path);
        if (rows.Count < 2) throw new StructureReps.Core.DataFormatException(path, "rows", $"{rows.Count} embeddings; a PCA plot needs at least 2");
        var (x, y) = Plots.Pca2(rows.Select(r => r.Vector.Select(v => (double)v).ToArray()).ToList());
        Func<EmbeddingRow, double> value = color switch
        {
            "test" => r => r.Targets.TestPerformance,
            "train" => r => r.Targets.TrainPerformance,
            "epoch" => r => r.Targets.Epoch,
            "run" => r => r.Targets.Run,
            _ => throw new UsageException($"--color: '{color}' is not test, train, epoch or run"),
        };
        Plots.ScatterByValue(output, $"{Path.GetFileName(path)}: PCA of {rows.Count} embeddings, colour = {color}", x, y, rows.Select(value).ToArray());
        Console.WriteLine($"{rows.Count} embeddings → {output}");
        return 0;
    }
}
