using System.Diagnostics;
using System.Globalization;
using StructureReps.Core;
using StructureReps.Graphs.Spectral;

namespace StructureReps.Benchmarks;

/// <summary>
/// `pe` mode: the Laplacian PE's eigen solves. Dense (eigenvalues 2..9 of an N-node layered graph) through the
/// system LAPACK (dsyevr) against MathNet's managed solver, at N = 500, 1,000, 2,000, 4,000; then block Lanczos
/// on a 100,000-node layered graph. Seconds per solve (median of 3 for LAPACK, one run for the slow managed
/// solves), printed as a Markdown table.
/// </summary>
public static class SpectralTimings
{
    public static int Run()
    {
        var lapack = LapackLibrary.TryOpen("mkl") ?? LapackLibrary.TryOpen("system");
        Console.WriteLine($"dense solver: {lapack?.ToString() ?? "none"} vs managed (MathNet); {Environment.ProcessorCount} cores\n");
        Console.WriteLine("| N | LAPACK dsyevr (s) | managed (s) | managed / LAPACK |");
        Console.WriteLine("|---:|---:|---:|---:|");
        foreach (int n in new[] { 500, 1000, 2000, 4000 })
        {
            var s = LayeredGraph(n, 8, 1);
            var a = s.DenseLaplacian();
            double native = lapack is null ? double.NaN : Median(3, () => lapack.Dsyevr((double[])a.Clone(), s.Size, 2, 9));
            double managed = Median(1, () => DenseEigen.Managed(a, s.Size, 2, 9));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {s.Size:N0} | {native:F3} | {managed:F2} | {managed / native:F1} |"));
        }
        var big = LayeredGraph(100_000, 8, 2);
        long start = Stopwatch.GetTimestamp();
        var (_, _, report) = BlockLanczos.Smallest(big, 9, seed: 1, tolerance: 1e-6);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\nblock Lanczos, {big.Size:N0} nodes, {big.Val.Length / 2:N0} edges, 9 smallest eigenpairs to residual 1e-6: {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s, {report.Restarts} restarts, {report.BlockProducts} block products, basis {report.BasisSize}, max residual {report.MaxResidual:G2}"));
        return 0;
    }

    /// <summary>5 layers of n/5 nodes, each node joined to <paramref name="fanOut"/> random nodes of the next layer, weights U(0.1, 1.1).</summary>
    private static NormalizedAdjacency LayeredGraph(int n, int fanOut, ulong seed)
    {
        var rng = new Rng(seed);
        int width = n / 5;
        var src = new List<int>();
        var dst = new List<int>();
        var w = new List<double>();
        for (int l = 0; l < 4; l++)
            for (int i = 0; i < width; i++)
                for (int f = 0; f < fanOut; f++)
                {
                    src.Add(l * width + i);
                    dst.Add((l + 1) * width + rng.NextInt(width));
                    w.Add(0.1 + rng.NextDouble());
                }
        return NormalizedAdjacency.Build(5 * width, [.. src], [.. dst], [.. w]);
    }

    private static double Median(int repeats, Action action) => Timing.MedianMs(repeats, action, warmup: 0) / 1000;
}
