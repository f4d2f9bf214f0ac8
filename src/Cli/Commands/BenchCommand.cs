using System.Diagnostics;

namespace StructureReps.Cli.Commands;

/// <summary>
/// `bench [GROUP] [BenchmarkDotNet options]`: runs the benchmark project of this checkout in Release (BenchmarkDotNet
/// needs its own optimized build, so the benchmarks are a separate project rather than code inside the CLI).
/// </summary>
public static class BenchCommand
{
    public const string ProjectPath = "benchmarks/StructureReps.Benchmarks/StructureReps.Benchmarks.csproj";

    /// <summary>Benchmark groups and the arguments they hand to the benchmark project.</summary>
    public static readonly IReadOnlyDictionary<string, (string[] Args, string What)> Groups = new Dictionary<string, (string[], string)>
    {
        ["devices"] = (["--filter", "*DeviceOpBenchmarks*"], "each primitive op at two sizes: SIMD CPU vs ILGPU (CPU accelerator; CUDA where present)"),
        ["epochs"] = (["--filter", "*DeviceEpochBenchmarks*"], "one training epoch of an MLP, a CNN and the VGAE on each device"),
        ["gemm"] = (["--filter", "*GemmBenchmarks*"], "SGEMM: native BLAS vs the managed SIMD GEMM vs the reference"),
        ["conv"] = (["--filter", "*Conv2dBenchmarks*"], "conv2d forward and backward on the CPU backends"),
        ["sparse"] = (["--filter", "*SparseBenchmarks*"], "gather, scatter-add, segment softmax on a 1M-edge graph"),
        ["attention"] = (["--filter", "*AttentionBenchmarks*"], "attention scores and aggregation, forward+backward: fused ops vs gather-multiply-scatter"),
        ["pe"] = (["pe"], "Laplacian PE: LAPACK vs managed eigensolvers, block Lanczos at 100k nodes"),
        ["peer"] = (["peer"], "plain timings for benchmarks/peer_bench.py (ours vs PyTorch)"),
        ["all"] = (["--filter", "*"], "every BenchmarkDotNet class"),
    };

    public static readonly CommandSpec[] Specs =
    [
        new("bench", """
            the benchmarks of this checkout in Release (default: devices — every op at two sizes, SIMD CPU vs
            ILGPU; epochs — an MLP, a CNN and the VGAE epoch per device); tables as in benchmarks/README.md;
            options after the group go to BenchmarkDotNet (e.g. --job short)
            example: structurereps bench epochs
            """, [], Run, new ArgumentSpec("GROUP", string.Join(", ", Groups.Keys), Optional: true)) { PassThrough = true },
    ];

    private static int Run(Args opts)
    {
        string group = opts.Arguments.Count > 0 ? opts.Arguments[0] : "devices";
        if (!Groups.TryGetValue(group, out var chosen))
            throw new UsageException($"bench: '{group}' is not one of {string.Join(", ", Groups.Keys)}");
        string project = FindProject() ?? throw new UsageException(
            $"bench: {ProjectPath} not found above {Directory.GetCurrentDirectory()}; run from a checkout of StructureReps.NET");
        Console.WriteLine($"bench {group}: {chosen.What}");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (var a in (string[])["run", "-c", "Release", "--project", project, "--", .. chosen.Args, .. opts.Rest]) start.ArgumentList.Add(a);
        Console.WriteLine($"  dotnet {string.Join(' ', start.ArgumentList)}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bench: could not start dotnet");
        process.WaitForExit();
        return process.ExitCode;
    }

    private static string? FindProject()
    {
        foreach (var origin in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, ProjectPath))) return Path.Combine(dir.FullName, ProjectPath);
        return null;
    }
}
