using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;
using StructureReps.Backends.Ilgpu;
using StructureReps.Benchmarks;

// `peer [repeats] [prefix | name exact]` prints plain timings for benchmarks/peer_bench.py; `pe` times the Laplacian PE's
// eigen solvers; anything else goes to BenchmarkDotNet (e.g. `--filter '*Gemm*' --job short`).
if (args.Length > 0 && args[0] == "peer")
{
    int repeats = 10;
    if (args.Length > 1 && (!int.TryParse(args[1], out repeats) || repeats < 1))
    {
        Console.Error.WriteLine($"peer: repeats '{args[1]}' is not an integer ≥ 1 (usage: peer [repeats] [prefix | name exact])");
        return 2;
    }
    return PeerTimings.Run(repeats, args.Length > 2 ? args[2] : "", args.Length > 3 && args[3] == "exact");
}
// `steady NAME EPOCHS`: one encoder training run, MB allocated and full collections per epoch after the first.
if (args.Length > 0 && args[0] == "steady")
{
    var workloads = new EncoderEpochWorkloads(StructureReps.Backends.Cpu.CpuBackend.Default);
    if (args.Length != 3 || !workloads.Names.Contains(args[1]) || !int.TryParse(args[2], out int epochs) || epochs < 2)
    {
        Console.Error.WriteLine($"usage: steady NAME EPOCHS (EPOCHS ≥ 2; NAME one of {string.Join(", ", workloads.Names)})");
        return 2;
    }
    var (mb, full) = workloads.SteadyState(args[1], epochs);
    Console.WriteLine(FormattableString.Invariant($"{args[1]}: {mb:F1} MB allocated and {full:F2} full collections per epoch after the first"));
    return 0;
}
if (args.Length > 0 && args[0] == "pe")
    return SpectralTimings.Run();
// Without a CUDA device the device benchmarks' CUDA column is left out (reported in the header), not timed as nothing.
var config = DefaultConfig.Instance;
if (!IlgpuDevices.IsAvailable(IlgpuDeviceKind.Cuda))
{
    Console.WriteLine($"no CUDA device (ILGPU sees: {string.Join("; ", IlgpuDevices.Describe())}): the ilgpu-cuda column is left out");
    config = config.AddFilter(new SimpleFilter(b => b.Descriptor.WorkloadMethod.Name != nameof(DeviceOpBenchmarks.IlgpuCuda)));
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args, config);
return 0;
