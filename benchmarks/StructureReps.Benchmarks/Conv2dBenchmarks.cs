using BenchmarkDotNet.Attributes;
using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Core.Backends.Reference;

namespace StructureReps.Benchmarks;

/// <summary>Conv2d 3×3 (16→16 channels, padding 1) on a 32×32×16 batch of 32, forward + backward.</summary>
public class Conv2dBenchmarks
{
    private (Tensor, Tensor, Tensor, Tensor) _native, _managed, _reference;

    [GlobalSetup]
    public void Setup()
    {
        _native = new Workloads(CpuBackend.Default).ConvInputs();
        _managed = new Workloads(new CpuBackend(useNativeBlas: false)).ConvInputs();
        _reference = new Workloads(ReferenceBackend.Instance).ConvInputs();
    }

    [Benchmark(Baseline = true, Description = "cpu-simd (native BLAS)")]
    public void Native() => Workloads.ConvForwardBackward(_native);

    [Benchmark(Description = "cpu-simd (managed GEMM)")]
    public void Managed() => Workloads.ConvForwardBackward(_managed);

    [Benchmark(Description = "reference")]
    public void Reference() => Workloads.ConvForwardBackward(_reference);
}
