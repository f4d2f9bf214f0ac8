using StructureReps.Core.Backends;

namespace StructureReps.Backends.Cpu;

/// <summary>Host float32 storage of the SIMD CPU backend.</summary>
public sealed class CpuBuffer : DeviceBuffer
{
    internal CpuBuffer(CpuBackend backend, int length) : base(length)
    {
        Owner = backend;
        Data = new float[length];
    }

    internal CpuBackend Owner { get; }

    public float[] Data { get; }

    public override IBackend Backend => Owner;

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
