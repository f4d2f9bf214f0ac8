using StructureReps.Backends.Cpu;
using StructureReps.Core.Backends;
using StructureReps.Core.Backends.Reference;

namespace StructureReps.Cli;

/// <summary>`--backend cpu|managed|reference` (default cpu: SIMD with native BLAS when present).</summary>
public static class Backends
{
    public static IBackend Select(string? name) => name switch
    {
        null or "cpu" => CpuBackend.Default,
        "managed" => new CpuBackend(useNativeBlas: false),
        "reference" => ReferenceBackend.Instance,
        _ => throw new UsageException($"--backend: '{name}' is not one of cpu, managed, reference"),
    };
}
