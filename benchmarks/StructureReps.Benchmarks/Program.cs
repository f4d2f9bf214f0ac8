using BenchmarkDotNet.Running;
using StructureReps.Benchmarks;

// `peer [repeats]` prints plain timings for benchmarks/peer_bench.py; anything else goes to BenchmarkDotNet
// (e.g. `--filter '*Gemm*' --job short`).
if (args.Length > 0 && args[0] == "peer")
    return PeerTimings.Run(args.Length > 1 ? int.Parse(args[1]) : 10);
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
return 0;
