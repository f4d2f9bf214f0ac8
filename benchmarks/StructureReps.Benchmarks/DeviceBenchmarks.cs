using BenchmarkDotNet.Attributes;
using StructureReps.Backends.Cpu;
using StructureReps.Backends.Ilgpu;
using StructureReps.Core.Backends;

namespace StructureReps.Benchmarks;

/// <summary>
/// The GPU backend against the SIMD CPU backend (the baseline), op by op at two sizes: ILGPU's kernels on its
/// CPU accelerator everywhere, and on CUDA where a CUDA device is present (Program leaves the CUDA column out
/// otherwise, rather than timing nothing).
/// Run: dotnet run -c Release --project benchmarks/StructureReps.Benchmarks -- --filter '*DeviceOpBenchmarks*'
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class DeviceOpBenchmarks
{
    private DeviceOpWorkload _cpu = null!, _ilgpuCpu = null!;
    private DeviceOpWorkload? _cuda;

    [Params(DeviceOp.Gemm, DeviceOp.Exp, DeviceOp.BiasAdd, DeviceOp.SumAll, DeviceOp.Im2Col, DeviceOp.Gather,
        DeviceOp.ScatterAdd, DeviceOp.SegmentSoftmax, DeviceOp.Adam)]
    public DeviceOp Op;

    [Params("small", "large")]
    public string Size = "small";

    [GlobalSetup]
    public void Setup()
    {
        bool large = Size == "large";
        _cpu = new DeviceOpWorkload(CpuBackend.Default, Op, large);
        _ilgpuCpu = new DeviceOpWorkload(IlgpuDevices.Get(IlgpuDeviceKind.Cpu), Op, large);
        if (IlgpuDevices.IsAvailable(IlgpuDeviceKind.Cuda)) _cuda = new DeviceOpWorkload(IlgpuDevices.Get(IlgpuDeviceKind.Cuda), Op, large);
    }

    [Benchmark(Baseline = true, Description = "cpu-simd")]
    public void CpuSimd() => _cpu.Run();

    [Benchmark(Description = "ilgpu-cpu")]
    public void IlgpuCpu() => _ilgpuCpu.Run();

    [Benchmark(Description = "ilgpu-cuda")]
    public void IlgpuCuda() => _cuda!.Run();
}

/// <summary>
/// One full training epoch on each device: the California-housing MLP (16,512 rows, batch 64), the Fashion-MNIST
/// zoo CNN (512 images, batch 64: the CPU accelerator takes seconds per batch) and the EA+TC+LF VGAE over 64
/// California-MLP checkpoint graphs (batches of 32).
/// Run: dotnet run -c Release --project benchmarks/StructureReps.Benchmarks -- --filter '*DeviceEpochBenchmarks*'
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public class DeviceEpochBenchmarks
{
    public enum Workload { MlpEpoch, CnnEpoch, VgaeEpoch }

    private Action _cpu = null!, _ilgpuCpu = null!;
    private Action? _cuda;

    [Params(Workload.MlpEpoch, Workload.CnnEpoch, Workload.VgaeEpoch)]
    public Workload Kind;

    private Action Make(IBackend backend)
    {
        switch (Kind)
        {
            case Workload.MlpEpoch:
                {
                    var w = new EpochWorkloads(backend, fashionImages: 64);
                    return w.CaliforniaMlpEpoch;
                }
            case Workload.CnnEpoch:
                {
                    var w = new EpochWorkloads(backend, fashionImages: 512);
                    return w.FashionCnnEpoch;
                }
            default:
                {
                    var w = new EncoderEpochWorkloads(backend, graphs: 64);
                    return () => w.Epoch("ea_tc_lf_california_mlp");
                }
        }
    }

    private static Action Synchronized(Action epoch, IBackend backend) => () =>
    {
        epoch();
        if (backend is IlgpuBackend device) device.Synchronize();
    };

    [GlobalSetup]
    public void Setup()
    {
        _cpu = Make(CpuBackend.Default);
        var ilgpu = IlgpuDevices.Get(IlgpuDeviceKind.Cpu);
        _ilgpuCpu = Synchronized(Make(ilgpu), ilgpu);
        if (IlgpuDevices.IsAvailable(IlgpuDeviceKind.Cuda))
        {
            var cuda = IlgpuDevices.Get(IlgpuDeviceKind.Cuda);
            _cuda = Synchronized(Make(cuda), cuda);
        }
    }

    [Benchmark(Baseline = true, Description = "cpu-simd")]
    public void CpuSimd() => _cpu();

    [Benchmark(Description = "ilgpu-cpu")]
    public void IlgpuCpu() => _ilgpuCpu();

    [Benchmark(Description = "ilgpu-cuda")]
    public void IlgpuCuda() => _cuda!();
}
