using BenchmarkDotNet.Attributes;
using StructureReps.Backends.Cpu;
using StructureReps.Core.Backends;
using StructureReps.Core.Backends.Reference;

namespace StructureReps.Benchmarks;

/// <summary>n×n×n SGEMM: native BLAS (baseline) vs the managed packed GEMM vs the reference loops.</summary>
public class GemmBenchmarks
{
    private Workloads _native = null!, _managed = null!, _reference = null!;
    private (DeviceBuffer, DeviceBuffer, DeviceBuffer) _nativeBufs, _managedBufs, _referenceBufs;

    [Params(256, 1024)]
    public int N;

    [GlobalSetup]
    public void Setup()
    {
        _native = new Workloads(CpuBackend.Default);
        _managed = new Workloads(new CpuBackend(useNativeBlas: false));
        _reference = new Workloads(ReferenceBackend.Instance);
        _nativeBufs = _native.GemmBuffers(N);
        _managedBufs = _managed.GemmBuffers(N);
        _referenceBufs = _reference.GemmBuffers(N);
    }

    [Benchmark(Baseline = true, Description = "native BLAS")]
    public void Native() => _native.Gemm(N, _nativeBufs);

    [Benchmark(Description = "managed SIMD")]
    public void Managed() => _managed.Gemm(N, _managedBufs);

    [Benchmark(Description = "reference")]
    public void Reference() => _reference.Gemm(N, _referenceBufs);
}
