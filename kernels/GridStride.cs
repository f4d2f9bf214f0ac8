using ILGPU;

namespace StructureReps.Kernels;

/// <summary>
/// Bounds of a grid-stride loop in an explicitly grouped kernel: thread t of a launch of T threads handles
/// elements t, t + T, t + 2T, … The host launches only as many threads as the device runs at once, so the
/// CPU accelerator runs a few dozen long loops instead of one simulated thread per element (about 500× faster
/// there), and a GPU keeps every thread busy with coalesced strides.
/// </summary>
public static class GridStride
{
    /// <summary>This thread's first element.</summary>
    public static int Start => Grid.IdxX * Group.DimX + Group.IdxX;

    /// <summary>Threads in the whole launch: the distance between one thread's elements.</summary>
    public static int Step => Grid.DimX * Group.DimX;
}
