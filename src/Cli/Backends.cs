using StructureReps.Backends.Cpu;
using StructureReps.Backends.Ilgpu;
using StructureReps.Core.Backends;
using StructureReps.Core.Backends.Reference;

namespace StructureReps.Cli;

/// <summary>
/// `--device auto|cpu|cuda|opencl|ilgpu-cpu|managed|reference` (alias `--backend`), else the environment variable
/// STRUCTUREREPS_DEVICE, else cpu: the SIMD CPU backend with native BLAS when present. auto takes CUDA when a
/// CUDA device is present and cpu otherwise; cuda, opencl and ilgpu-cpu are the ILGPU backend on that accelerator.
/// </summary>
public static class Backends
{
    public const string EnvironmentVariable = "STRUCTUREREPS_DEVICE";
    public const string Choices = "auto|cpu|cuda|opencl|ilgpu-cpu|managed|reference";

    /// <summary>The backend the command's options (or the environment) ask for.</summary>
    public static IBackend Select(Args opts)
    {
        string? device = opts.String("--device");
        string? backend = opts.String("--backend");
        return Select(device ?? backend);
    }

    public static IBackend Select(string? name)
    {
        string? chosen = name ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        string source = name is not null ? "--device" : EnvironmentVariable;
        try
        {
            return chosen?.Trim().ToLowerInvariant() switch
            {
                null or "" or "cpu" => CpuBackend.Default,
                "auto" => IlgpuDevices.IsAvailable(IlgpuDeviceKind.Cuda) ? IlgpuDevices.Get(IlgpuDeviceKind.Cuda) : CpuBackend.Default,
                "cuda" => IlgpuDevices.Get(IlgpuDeviceKind.Cuda),
                "opencl" => IlgpuDevices.Get(IlgpuDeviceKind.OpenCL),
                "ilgpu-cpu" => IlgpuDevices.Get(IlgpuDeviceKind.Cpu),
                "managed" => new CpuBackend(useNativeBlas: false),
                "reference" => ReferenceBackend.Instance,
                _ => throw new UsageException($"{source}: '{chosen}' is not one of {Choices}"),
            };
        }
        catch (DeviceNotFoundException e)
        {
            throw new UsageException($"{source} {chosen}: {e.Message}");
        }
    }
}
