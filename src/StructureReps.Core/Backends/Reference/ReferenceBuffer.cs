namespace StructureReps.Core.Backends.Reference;

/// <summary>Reference storage: doubles, so the oracle and the gradient checks run in double precision.</summary>
public sealed class ReferenceBuffer(int length) : DeviceBuffer(length)
{
    public double[] Data { get; } = new double[length];

    public override IBackend Backend => ReferenceBackend.Instance;

    public override void Read(Span<float> destination, int offset = 0)
    {
        CheckRange(offset, destination.Length);
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)Data[offset + i];
    }

    public override void Write(ReadOnlySpan<float> source, int offset = 0)
    {
        CheckRange(offset, source.Length);
        for (int i = 0; i < source.Length; i++) Data[offset + i] = source[i];
    }

    public override void ReadDouble(Span<double> destination, int offset = 0)
    {
        CheckRange(offset, destination.Length);
        Data.AsSpan(offset, destination.Length).CopyTo(destination);
    }

    public override void WriteDouble(ReadOnlySpan<double> source, int offset = 0)
    {
        CheckRange(offset, source.Length);
        source.CopyTo(Data.AsSpan(offset));
    }
}
