using System.Globalization;
using StructureReps.Graphs.Encoding;
using StructureReps.Services.Prediction;

namespace StructureReps.Cli.Commands;

/// <summary>`predict`: unseen networks' performance from their weights (the work is the Predictor service's).</summary>
public static class PredictCommand
{
    public static readonly CommandSpec[] Specs =
    [
        new("predict", """
            unseen networks' train/test performance from their weights: each checkpoint (ours or a PyTorch
            state_dict in safetensors) → graph → the encoder's embedding → the saved probe
            example: structurereps predict --encoder enc/moons/encoder.safetensors --probe enc/moons/probe.json net.safetensors
            """,
        [
            new("--encoder", "FILE|DIR", "encoder.safetensors, or the encode train folder"),
            new("--probe", "FILE", "probe.json (decode --save-probe)"),
            new("--embedding", null, "also print each embedding"),
            new("--input", "C,H,W", "a CNN's input size (default: C,32,32)"),
            CommonOptions.Device,
        ], Predict, new ArgumentSpec("CHECKPOINT", "networks as safetensors files", Many: true)),
    ];

    /// <summary>`predict …`, as the command line gives it.</summary>
    public static int Run(string[] args) => CommandLine.Run(["predict", .. args]);

    /// <summary>`predict --encoder FILE --probe FILE CHECKPOINT…`: predicted performance of unseen networks.</summary>
    private static int Predict(Args opts)
    {
        var checkpoints = opts.Arguments.ToList();
        string encoderPath = opts.RequiredPath("--encoder"), probePath = opts.RequiredPath("--probe");
        if (Directory.Exists(encoderPath)) encoderPath = Path.Combine(encoderPath, EncoderTrainer.EncoderFileName); // an encode train --out folder
        bool embedding = opts.Flag("--embedding");
        string? inputText = opts.String("--input");
        var backend = Backends.Select(opts);
        opts.EnsureAllUsed();
        if (checkpoints.Count == 0) throw new UsageException("predict: name at least one checkpoint (a .safetensors file)");
        int[]? input = inputText?.Split(',').Select(p => int.TryParse(p, out int v) && v >= 1 ? v : throw new UsageException($"--input: '{inputText}' is not C,H,W")).ToArray();
        var predictor = Predictor.Open(encoderPath, probePath, backend);
        var predictions = checkpoints.Select(c => predictor.Predict(c, input)).ToList();
        var probe = predictor.Probe.Saved;
        TextTable.Print(["checkpoint", "network", "predicted train", "predicted test", .. embedding ? new[] { "embedding" } : []],
            predictions.Select(p => (IReadOnlyList<string>)
            [
                p.Checkpoint, p.Network, p.Train.Describe(probe.TrainRange), p.Test.Describe(probe.TestRange),
                .. embedding ? new[] { string.Join(" ", p.Embedding.Select(v => v.ToString("G4", CultureInfo.InvariantCulture))) } : [],
            ]).ToList());
        if (predictions.Any(p => p.Train.Clipped || p.Test.Clipped))
            Console.WriteLine($"\nclipped: the probe's output is outside what {(probe.Performance is { Length: > 0 } perf ? perf : "the performance")} can be, and is held to its bound");
        if (predictions.Any(p => p.Train.OutsideFitted || p.Test.OutsideFitted))
            Console.WriteLine("\noutside the fitted range: an extrapolation beyond every network the probe was fitted on; read it with care");
        return 0;
    }
}
