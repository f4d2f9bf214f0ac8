namespace StructureReps.Core.Backends.Reference;

/// <summary>Reference storage: doubles, so the oracle and the gradient checks run in double precision.</summary>
public sealed class ReferenceBuffer : DeviceBuffer
{
    private double[]? _data;

    public ReferenceBuffer(int length) : this(new double[length], length) { }

    /// <summary>The first <paramref name="length"/> elements of <paramref name="data"/> (a pooled array may be longer).</summary>
    internal ReferenceBuffer(double[] data, int length) : base(length) => _data = data;

    /// <summary>The storage (at least <see cref="DeviceBuffer.Length"/> elements); throws once released.</summary>
    public double[] Data => _data ?? throw UseAfterRelease();

    public override IBackend Backend => ReferenceBackend.Instance;

    /// <summary>Marks the buffer released and hands its array back (null if it already was released).</summary>
    internal double[]? Release() => TakeStorage(ref _data);

    public override void Read(Span<float> destination, int offset = 0)
    {
        CheckRange(offset, destination.Length);
        var data = Data;
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)data[offset + i];
    }

    public override void Write(ReadOnlySpan<float> source, int offset = 0)
    {
        CheckRange(offset, source.Length);
        var data = Data;
        for (int i = 0; i < source.Length; i++) data[offset + i] = source[i];
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
