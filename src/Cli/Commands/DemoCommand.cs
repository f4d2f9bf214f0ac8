using StructureReps.Pipeline.Reports;

namespace StructureReps.Cli.Commands;

/// <summary>The default job (no command): the quick end-to-end run on two-moons with its result table.</summary>
public static class DemoCommand
{
    public static readonly CommandSpec[] Specs =
    [
        new("demo", """
            the quick end-to-end run on two-moons: zoo → graphs → EA+TC+LF → probe, with the paper's number (also: no command)
            example: structurereps
            """,
        [
            new("--out", "DIR", "the run folder (default runs/demo; reused on a rerun)"),
            new("--runs", "N", "networks (default 10)"),
            new("--epochs", "N", "epochs per network (default 25)"),
            new("--encoder-epochs", "N", "encoder epochs (default 40)"),
            CommonOptions.Device,
        ], Demo),
    ];

    /// <summary>`demo …`, as the command line gives it.</summary>
    public static int Run(string[] args) => CommandLine.Run(["demo", .. args]);

    /// <summary>The default run: a quick two-moons zoo, its graphs, EA+TC+LF, the probe; the table beside the paper's number.</summary>
    internal static int Demo(Args opts)
    {
        var options = new ReproduceOptions
        {
            Output = opts.PathOption("--out") ?? Path.Combine("runs", "demo"),
            Tasks = [new TaskPlan("two-moons", opts.Count("--runs") ?? 10, opts.Count("--epochs") ?? 25)],
            Encoders = ["ea-tc-lf", "ea-tc-lf:distance"], // the paper's model, and the decoder that learns on layered graphs
            EncoderEpochs = opts.Count("--encoder-epochs") ?? 40,
            Seeds = 5,
            Quick = true,
            InductiveSeeds = 0, // the demo stays under a minute; `reproduce` runs the inductive mode
        };
        var backend = Backends.Select(opts);
        opts.EnsureAllUsed();
        Console.WriteLine("""
            StructureReps.NET — decoding a network's accuracy from its weights.
            Demo: a zoo of two-moons MLPs (2-20-20-2) → one graph per checkpoint (neurons = nodes, weights = edges,
            Laplacian eigenvector features) → the EA+TC+LF variational graph autoencoder (the paper's inner-product
            decoder, and the distance decoder that can reconstruct layered graphs) → one vector per checkpoint → a
            linear probe that predicts each checkpoint's accuracy. `--help` lists every command.
            """);
        Console.WriteLine($"work folder {Path.GetFullPath(options.Output)} (reused on a rerun)\n");
        var outcome = new Reproduction(options, backend, new ReproduceCommand.StageProgress()).Run(Interrupt.Token);
        ReproduceCommand.PrintTable(outcome, options);
        Console.WriteLine($"\ndone in {outcome.Elapsed.TotalSeconds:F0} s. The paper trains 200 epochs on larger zoos; `reproduce --quick` runs every task and encoder.");
        return 0;
    }
}
