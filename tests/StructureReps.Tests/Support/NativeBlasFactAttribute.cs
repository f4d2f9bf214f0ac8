using StructureReps.Backends.Cpu.Gemm;
using Xunit;

namespace StructureReps.Tests.Support;

/// <summary>A fact that is reported as skipped (never silently passed) when no native BLAS is loaded.</summary>
public sealed class NativeBlasFactAttribute : FactAttribute
{
    public NativeBlasFactAttribute()
    {
        if (!NativeBlas.IsAvailable) Skip = $"no native BLAS loaded: {NativeBlas.Provider} (apt-get install libopenblas0-pthread)";
    }
}
