namespace StructureReps.Core.Backends;

/// <summary>The composed kernels' temporaries: rented from the backend's pool, returned when the kernel ends.</summary>
internal sealed class Scratch(IBackend backend) : IDisposable
{
    private readonly List<DeviceBuffer> _buffers = [];

    public DeviceBuffer Rent(int length, bool zeroed = false)
    {
        var b = backend.Rent(Math.Max(length, 1), zeroed);
        _buffers.Add(b);
        return b;
    }

    /// <summary>A copy of x (length n) followed by one element of <paramref name="sink"/>: the target of padding entries.</summary>
    public DeviceBuffer WithSink(DeviceBuffer x, int n, float sink)
    {
        var padded = Rent(n + 1);
        if (n > 0) backend.CopyBlocks(x, 0, 0, padded, 0, 0, 1, n, accumulate: false);
        backend.Fill(padded, n, 1, sink);
        return padded;
    }

    public void Dispose()
    {
        foreach (var b in _buffers) backend.Return(b);
    }
}
