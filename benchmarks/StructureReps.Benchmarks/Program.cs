using BenchmarkDotNet.Running;
using StructureReps.Benchmarks;

// `peer [repeats] [prefix]` prints plain timings for benchmarks/peer_bench.py; `pe` times the Laplacian PE's
// eigen solvers; anything else goes to BenchmarkDotNet (e.g. `--filter '*Gemm*' --job short`).
if (args.Length > 0 && args[0] == "peer")
    return PeerTimings.Run(args.Length > 1 ? int.Parse(args[1]) : 10, args.Length > 2 ? args[2] : "");
if (args.Length > 0 && args[0] == "pe")
    return SpectralTimings.Run();
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
return 0;
