using StructureReps.Core.Backends;

namespace StructureReps.Backends.Cpu;

/// <summary>
/// Host float32 storage of the SIMD CPU backend: a GC array, or one rented from the backend's pool (then possibly
/// longer than <see cref="DeviceBuffer.Length"/>; every kernel takes its extent from the explicit dimensions).
/// </summary>
public sealed class CpuBuffer : DeviceBuffer
{
    private float[]? _data;

    internal CpuBuffer(CpuBackend backend, float[] data, int length) : base(length)
    {
        Owner = backend;
        _data = data;
    }

    internal CpuBackend Owner { get; }

    /// <summary>The storage (at least <see cref="DeviceBuffer.Length"/> elements); throws once released.</summary>
    public float[] Data => _data ?? throw UseAfterRelease();

    public override IBackend Backend => Owner;

    /// <summary>Marks the buffer released and hands its array back (null if it already was released).</summary>
    internal float[]? Release() => TakeStorage(ref _data);

    public override void Read(Span<float> destination, int offset = 0)
    {
        CheckRange(offset, destination.Length);
        Data.AsSpan(offset, destination.Length).CopyTo(destination);
    }

    public override void Write(ReadOnlySpan<float> source, int offset = 0)
    {
        CheckRange(offset, source.Length);
        source.CopyTo(Data.AsSpan(offset));
    }
}
