using System.Globalization;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Spectral;

namespace StructureReps.Cli.Commands;

/// <summary>`graphs build` (a zoo's checkpoints → graph files with LF and RF features) and `graphs show` (one file's summary).</summary>
public static class GraphsCommand
{
    /// <summary>The Laplacian-feature options, shared with `reproduce` and `slurm`.</summary>
    public static readonly OptionSpec[] PeOptionSpecs =
    [
        new("--k", "K", "Laplacian eigenvectors per node (default 8)"),
        new("--binary", null, "the Laplacian of the unweighted graph (default: weighted by |w|)"),
        new("--dense-threshold", "N", "graphs of N nodes or more use the iterative eigen solver (default 2000)"),
        new("--lapack", "L", "auto, mkl, system or managed: the dense eigen solver", ["auto", "mkl", "system", "managed"]),
    ];

    public static readonly CommandSpec[] Specs =
    [
        new("graphs build", """
            each checkpoint of a zoo → a graph (neurons or channels as nodes, weights or k×k filters as edge
            features) with Laplacian-eigenvector (LF) and random (RF) node features; one safetensors file per
            run; reruns skip runs already built from the same checkpoints
            example: structurereps graphs build --zoo zoos/moons --out graphs/moons
            """,
        [
            new("--zoo", "DIR", "the zoo (zoo train or zoo import)"),
            new("--out", "DIR", "the graph folder"),
            new("--shard", "i/n", "build the runs with run % n = i; shards run at once on one folder, and an unsharded build afterwards completes graphs.json"),
            .. PeOptionSpecs,
        ], Build),
        new("graphs show", """
            nodes and edges per layer, weight statistics and the Laplacian spectrum per epoch of one run
            example: structurereps graphs show graphs/moons/run-0000.safetensors
            """, [], Show, new ArgumentSpec("FILE", "a graph file (run-NNNN.safetensors)")),
    ];

    /// <summary>`graphs SUBCOMMAND …`, as the command line gives it.</summary>
    public static int Run(string[] args) => CommandLine.Run(["graphs", .. args]);

    /// <summary>Reads --k, --binary, --dense-threshold, --lapack into PE options (shared with `reproduce`).</summary>
    public static PeOptions PeOptions(Args opts)
    {
        var pe = new PeOptions
        {
            K = opts.Count("--k") ?? 8,
            Weighted = !opts.Flag("--binary"),
            DenseThreshold = opts.Int("--dense-threshold") ?? 2000,
        };
        if (opts.String("--lapack") is { } lapack)
        {
            try { Lapack.Choice = lapack; }
            catch (ArgumentException e) { throw new UsageException($"--lapack: {e.Message}"); }
        }
        if (pe.K < 1) throw new UsageException("--k must be ≥ 1");
        return pe;
    }

    private static int Build(Args opts)
    {
        string zoo = opts.RequiredPath("--zoo"), output = opts.RequiredPath("--out");
        var pe = PeOptions(opts);
        var (shardIndex, shardCount) = ZooCommand.ParseShard(opts.String("--shard"));
        opts.EnsureAllUsed();
        Console.WriteLine($"graphs: {zoo} → {output}; LF k = {pe.K} ({(pe.Weighted ? "weighted" : "binary")}), dense eigen solver: {Lapack.Provider}, iterative from {pe.DenseThreshold} nodes");
        var bar = new ProgressBar("graphs");
        var rows = new List<IReadOnlyList<string>>();
        var info = GraphZooBuilder.Build(zoo, output, pe, new Progress(bar, rows), Interrupt.Token, shardIndex, shardCount);
        bar.Done();
        TextTable.Print(["run", "checkpoints", "seconds", "PE solver"], rows);
        string shard = shardCount > 1 ? $" (shard {shardIndex}/{shardCount}: {rows.Count} of them; run `graphs build` without --shard when all shards are done)" : "";
        Console.WriteLine($"\n{info.Task}: {info.Runs.Length} runs{shard}, edge width {info.EdgeDim} → {output}");
        return 0;
    }

    private sealed class Progress(ProgressBar bar, List<IReadOnlyList<string>> rows) : IGraphProgress
    {
        public void RunDone(int position, int total, int run, int checkpoints, bool skipped, string peMethod, double seconds)
        {
            bar.Update((position + 1.0) / total, $"run {position + 1}/{total} (#{run}): {checkpoints} checkpoints{(skipped ? " (already built)" : "")}", force: position + 1 == total, units: skipped ? 0 : checkpoints);
            rows.Add([run.ToString(CultureInfo.InvariantCulture), checkpoints.ToString(CultureInfo.InvariantCulture),
                skipped ? "—" : seconds.ToString("F2", CultureInfo.InvariantCulture), skipped ? "(already built)" : peMethod]);
        }
    }

    private static int Show(Args opts)
    {
        string file = opts.Arguments[0];
        var run = GraphFile.Read(file);
        var g0 = run.Graphs[0];
        var t = g0.Topology;
        Console.WriteLine($"{file}: task {run.Task}, run {run.Run}, {run.Architecture}");
        Console.WriteLine($"{run.Graphs.Count} checkpoints (epochs {run.Graphs[0].Targets.Epoch}–{run.Graphs[^1].Targets.Epoch}); {g0.NodeCount} nodes, {g0.EdgeCount} edges, edge width {g0.EdgeDim}; LF k = {run.K} ({run.PeMethod})");
        Console.WriteLine();
        TextTable.Print(["layer", "nodes", "edges in", "mean |w|", "std w"],
            Enumerable.Range(0, t.LayerSizes.Length).Select(l =>
            {
                if (l == 0) return (IReadOnlyList<string>)["0", t.LayerSizes[0].ToString(CultureInfo.InvariantCulture), "—", "—", "—"];
                int e0 = t.EdgeOffsets[l - 1], e1 = t.EdgeOffsets[l];
                var last = run.Graphs[^1];
                var w = last.EdgeFeatures.AsSpan(e0 * last.EdgeDim, (e1 - e0) * last.EdgeDim).ToArray();
                double mean = w.Average(v => (double)v), abs = w.Average(v => Math.Abs((double)v));
                double std = Math.Sqrt(w.Average(v => (v - mean) * (v - mean)));
                return [l.ToString(CultureInfo.InvariantCulture), t.LayerSizes[l].ToString(CultureInfo.InvariantCulture), (e1 - e0).ToString(CultureInfo.InvariantCulture),
                    abs.ToString("G4", CultureInfo.InvariantCulture), std.ToString("G4", CultureInfo.InvariantCulture)];
            }));
        Console.WriteLine("\n(weight statistics of the last checkpoint; padding zeros of smaller kernels included)\n");
        TextTable.Print(["epoch", "train", "test", .. Enumerable.Range(2, run.K).Select(i => $"λ{i}")],
            PickEpochs(run.Graphs.Count).Select(i =>
            {
                var g = run.Graphs[i];
                return (IReadOnlyList<string>)[g.Targets.Epoch.ToString(CultureInfo.InvariantCulture),
                    g.Targets.TrainPerformance.ToString("F4", CultureInfo.InvariantCulture), g.Targets.TestPerformance.ToString("F4", CultureInfo.InvariantCulture),
                    .. g.Eigenvalues!.Select(v => double.IsNaN(v) ? "—" : v.ToString("F4", CultureInfo.InvariantCulture))];
            }));
        return 0;
    }

    private static IEnumerable<int> PickEpochs(int count) =>
        count <= 6 ? Enumerable.Range(0, count) : new[] { 0, 1, 2, count / 2, count - 2, count - 1 }.Distinct();
}
