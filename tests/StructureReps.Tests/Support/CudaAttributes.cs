using StructureReps.Backends.Ilgpu;
using Xunit;

namespace StructureReps.Tests.Support;

/// <summary>Why CUDA tests cannot run here, or null when a CUDA device is present.</summary>
internal static class CudaPresence
{
    public static readonly string? SkipReason = IlgpuDevices.IsAvailable(IlgpuDeviceKind.Cuda)
        ? null
        : $"no CUDA device (ILGPU sees: {string.Join("; ", IlgpuDevices.Describe())})";
}

/// <summary>A fact reported as skipped (never silently passed) when no CUDA device is present.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (CudaPresence.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>A theory reported as skipped (never silently passed) when no CUDA device is present.</summary>
public sealed class CudaTheoryAttribute : TheoryAttribute
{
    public CudaTheoryAttribute()
    {
        if (CudaPresence.SkipReason is { } reason) Skip = reason;
    }
}
