using System.Globalization;
using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Encoding;
using StructureReps.Services.Probing;

namespace StructureReps.Cli.Commands;

/// <summary>`decode`: the probe on one embeddings CSV (the work is EmbeddingsDecoding's); `--save-probe` for `predict`.</summary>
public static class DecodeCommand
{
    public static readonly CommandSpec[] Specs =
    [
        new("decode", """
            the ridge probe on one embeddings CSV: Pearson, Spearman, Kendall, R² for both splits and targets,
            beside the untrained encoder (embeddings-untrained.csv, written by encode train) and the epoch number
            example: structurereps decode --embeddings enc/moons/embeddings.csv --save-probe enc/moons/probe.json
            """,
        [
            new("--embeddings", "FILE", "embeddings.csv (encode train or encode embed)"),
            new("--seeds", "N", "probe seeds (default 5)"),
            new("--save-probe", "FILE", "fit the probe on every row and save it for `predict`"),
            new("--encoder", "FILE", "the encoder that made the embeddings (default: encoder.safetensors beside the CSV)"),
        ], Decode),
    ];

    /// <summary>`decode …`, as the command line gives it.</summary>
    public static int Run(string[] args) => CommandLine.Run(["decode", .. args]);

    /// <summary>Written by `encode train` beside embeddings.csv: the same encoder with its initial weights.</summary>
    public const string UntrainedEmbeddings = EmbeddingsDecoding.UntrainedEmbeddings;

    /// <summary>`decode --embeddings CSV`: the probe on one embeddings file, both splits and targets.</summary>
    private static int Decode(Args opts)
    {
        string path = opts.RequiredPath("--embeddings");
        int seeds = opts.Int("--seeds", min: 2) ?? 5;
        string? saveProbe = opts.PathOption("--save-probe");
        string? encoderPath = opts.PathOption("--encoder");
        if (encoderPath is not null && saveProbe is null) throw new UsageException("--encoder: only with --save-probe");
        opts.EnsureAllUsed();
        encoderPath ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, EncoderTrainer.EncoderFileName);
        if (saveProbe is not null && !File.Exists(encoderPath)) // before the probe runs, not after
            throw new FileNotFoundException($"{encoderPath}: not found; --save-probe needs the encoder that made {path} (--encoder FILE)", encoderPath);
        var result = EmbeddingsDecoding.Evaluate(path, seeds);
        string F3(double v) => double.IsNaN(v) ? "—" : v.ToString("F3", CultureInfo.InvariantCulture);
        Console.WriteLine($"{path}: {result.Checkpoints} checkpoints of {result.Runs} runs, {result.Dimensions}-dim embeddings; ridge probe, 80/20, {seeds} seeds\n");
        TextTable.Print(["features", "split", "target", "Pearson r", "Spearman ρ", "Kendall τ", "R²"],
            result.Rows.Select(r => (IReadOnlyList<string>)[r.Features, r.Split.Name(), r.Target.Name(), r.Summary.Format(), F3(r.Summary.SpearmanMean),
                F3(r.Summary.KendallMean), F3(r.Summary.R2Mean)]).ToList());
        foreach (var note in result.Notes) Console.WriteLine($"note: {note}");
        if (saveProbe is not null)
        {
            var probe = EmbeddingsDecoding.FitProbe(path, result.Embeddings, encoderPath);
            StructureReps.Core.AtomicFile.WriteAllText(saveProbe, probe.ToJson());
            Console.WriteLine($"\nprobe (both targets, fitted on all {probe.Rows} checkpoints) → {saveProbe}");
        }
        return 0;
    }
}
