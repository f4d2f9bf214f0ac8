using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace StructureReps.Backends.Ilgpu;

/// <summary>The accelerators the ILGPU backend can run on.</summary>
public enum IlgpuDeviceKind
{
    /// <summary>ILGPU's CPU accelerator: runs every kernel on the host's threads, for tests and for reference.</summary>
    Cpu,
    Cuda,
    /// <summary>Compiled and selectable; Debian's PoCL cannot run ILGPU's OpenCL code (no generic address space).</summary>
    OpenCL,
}

/// <summary>Raised when a requested accelerator is not present; the message lists what is.</summary>
public sealed class DeviceNotFoundException(string message) : Exception(message);

/// <summary>
/// One ILGPU context per process (with ILGPU.Algorithms' math enabled) and one backend per accelerator kind,
/// created on first use, so each kernel is compiled once per process.
/// </summary>
public static class IlgpuDevices
{
    // The CPU accelerator runs one OS thread per simulated thread. ILGPU's default (16 threads on one
    // multiprocessor) put 32 threads on this 2-core machine and cost ~2 ms per launch; one warp of 4 per core
    // costs ~0.2 ms (measured with Fill of one element) and made small ops 2-10× faster.
    private static readonly Lazy<Context> SharedContext = new(() => Context.Create(builder => builder
        .Cuda()
        .OpenCL()
        .CPU(new CPUDevice(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 1, numMultiprocessors: Environment.ProcessorCount))
        .EnableAlgorithms()
        .Optimize(OptimizationLevel.O1)));

    private static readonly Dictionary<IlgpuDeviceKind, IlgpuBackend> Backends = new();

    public static Context Context => SharedContext.Value;

    /// <summary>The devices ILGPU sees, one line each ("Cuda: NVIDIA H100 …").</summary>
    public static IReadOnlyList<string> Describe() =>
        Context.Devices.Select(d => $"{d.AcceleratorType}: {d.Name}").ToList();

    public static bool IsAvailable(IlgpuDeviceKind kind) => FindDevice(kind) is not null;

    /// <summary>The process-wide backend on <paramref name="kind"/>; throws <see cref="DeviceNotFoundException"/> if absent.</summary>
    public static IlgpuBackend Get(IlgpuDeviceKind kind)
    {
        lock (Backends)
        {
            if (Backends.TryGetValue(kind, out var backend)) return backend;
            var device = FindDevice(kind) ?? throw new DeviceNotFoundException(
                $"no ILGPU {kind} device on this machine (ILGPU sees: {string.Join("; ", Describe())}); " +
                "use --device cpu (SIMD CPU backend) or --device ilgpu-cpu");
            Accelerator accelerator;
            try
            {
                accelerator = device.CreateAccelerator(Context);
            }
            catch (Exception e)
            {
                throw new DeviceNotFoundException($"ILGPU {kind} device '{device.Name}' is present but did not start: {e.Message}");
            }
            return Backends[kind] = new IlgpuBackend(accelerator, kind);
        }
    }

    private static Device? FindDevice(IlgpuDeviceKind kind)
    {
        var type = kind switch
        {
            IlgpuDeviceKind.Cuda => AcceleratorType.Cuda,
            IlgpuDeviceKind.OpenCL => AcceleratorType.OpenCL,
            _ => AcceleratorType.CPU,
        };
        return Context.Devices.FirstOrDefault(d => d.AcceleratorType == type);
    }
}
