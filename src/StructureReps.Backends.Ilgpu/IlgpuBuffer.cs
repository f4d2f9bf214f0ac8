using ILGPU;
using ILGPU.Runtime;
using StructureReps.Core.Backends;

namespace StructureReps.Backends.Ilgpu;

/// <summary>
/// Float32 storage in the accelerator's memory. It stays there between ops; only <see cref="Read"/> and
/// <see cref="Write"/> cross to the host. ILGPU's own finalizer frees the device memory when the tensor holding it
/// is collected; this one only tells the backend how much device memory is still live, since the garbage
/// collector sees a small object and nothing of the megabytes behind it.
/// </summary>
public sealed class IlgpuBuffer : DeviceBuffer
{
    private MemoryBuffer1D<float, Stride1D.Dense>? _memory;

    internal IlgpuBuffer(IlgpuBackend owner, MemoryBuffer1D<float, Stride1D.Dense> memory, int length) : base(length)
    {
        Owner = owner;
        _memory = memory;
    }

    ~IlgpuBuffer() => Owner.Released(4L * Math.Max(Length, 1));

    internal IlgpuBackend Owner { get; }

    private MemoryBuffer1D<float, Stride1D.Dense> Memory => _memory ?? throw UseAfterRelease();

    /// <summary>The whole allocation (at least one element, so that empty tensors still have a view).</summary>
    internal ArrayView<float> View => Memory.View.AsContiguous();

    /// <summary>Marks the buffer released and hands its device memory to the pool (null if already released).</summary>
    internal MemoryBuffer1D<float, Stride1D.Dense>? Release()
    {
        var memory = TakeStorage(ref _memory);
        if (memory is not null) GC.SuppressFinalize(this); // the pool now owns the memory and its share of the live total
        return memory;
    }

    public override IBackend Backend => Owner;

    public override void Read(Span<float> destination, int offset = 0)
    {
        CheckRange(offset, destination.Length);
        if (destination.Length > 0) Owner.CopyToHost(Memory.View.SubView(offset, destination.Length), destination);
    }

    public override void Write(ReadOnlySpan<float> source, int offset = 0)
    {
        CheckRange(offset, source.Length);
        if (source.Length > 0) Owner.CopyFromHost(source, Memory.View.SubView(offset, source.Length));
    }
}

/// <summary>Int32 indices in the accelerator's memory, uploaded once (graph CSRs) or written by kernels (arg-max).</summary>
public sealed class IlgpuIndexBuffer : IndexBuffer
{
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _memory;

    internal IlgpuIndexBuffer(IlgpuBackend owner, MemoryBuffer1D<int, Stride1D.Dense> memory, int length) : base(length)
    {
        Owner = owner;
        _memory = memory;
    }

    ~IlgpuIndexBuffer() => Owner.Released(4L * Math.Max(Length, 1));

    internal IlgpuBackend Owner { get; }

    internal ArrayView<int> View => _memory.View.AsContiguous();

    public override IBackend Backend => Owner;

    public override void Read(Span<int> destination)
    {
        if (destination.Length > 0) Owner.CopyToHost(_memory.View.SubView(0, destination.Length), destination);
    }
}
