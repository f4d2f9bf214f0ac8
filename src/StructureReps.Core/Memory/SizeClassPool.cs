namespace StructureReps.Core.Memory;

/// <summary>
/// Host arrays kept for reuse, by size class: a training step asks for the same sizes every step, so after the
/// first one every buffer comes back from here instead of a fresh, page-faulting, GC-tracked allocation.
/// Classes are 2^k·{4, 5, 6, 7}/4 (at most 25 % slack; requests below 64 share one class), or exact lengths
/// (for arrays whose length is their meaning: an <see cref="IndexTensor"/>'s). Thread-safe.
/// <para>In <see cref="PoolDiagnostics.Poison"/> mode returned arrays are filled with NaN and never reused, so
/// a stale reference reads NaN instead of another tensor's values, and unzeroed rents start as NaN (an op that
/// promises to overwrite its whole output and does not shows up as NaN).</para>
/// </summary>
public sealed class SizeClassPool<T> where T : unmanaged
{
    private readonly Dictionary<int, Stack<T[]>> _free = new();
    private readonly T _poison;
    private readonly bool _exact;
    private long _retainedBytes;

    /// <param name="poison">The value freed and unwritten elements get in poison mode.</param>
    /// <param name="exactLengths">Hand out arrays of exactly the requested length instead of size classes.</param>
    public SizeClassPool(T poison, bool exactLengths = false)
    {
        _poison = poison;
        _exact = exactLengths;
    }

    /// <summary>Bytes held by arrays waiting for reuse.</summary>
    public long RetainedBytes => Interlocked.Read(ref _retainedBytes);

    /// <summary>An array of at least <paramref name="length"/> elements; its first length are zero when asked.</summary>
    public T[] Rent(int length, bool zeroed)
    {
        int size = _exact ? length : ClassSize(length);
        T[]? array = null;
        lock (_free)
        {
            if (_free.TryGetValue(size, out var stack) && stack.Count > 0) array = stack.Pop();
        }
        if (array is null) array = GC.AllocateUninitializedArray<T>(size);
        else Interlocked.Add(ref _retainedBytes, -(long)size * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        if (zeroed) array.AsSpan(0, length).Clear();
        else if (PoolDiagnostics.Poison) array.AsSpan().Fill(_poison);
        return array;
    }

    /// <summary>Takes an array back (it must have come from <see cref="Rent"/>).</summary>
    public void Return(T[] array)
    {
        if (PoolDiagnostics.Poison)
        {
            array.AsSpan().Fill(_poison);
            return;
        }
        lock (_free)
        {
            if (!_free.TryGetValue(array.Length, out var stack)) _free[array.Length] = stack = new Stack<T[]>();
            stack.Push(array);
        }
        Interlocked.Add(ref _retainedBytes, (long)array.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
    }

    /// <summary>Drops every array waiting for reuse (the garbage collector takes them).</summary>
    public void Trim()
    {
        lock (_free) _free.Clear();
        Interlocked.Exchange(ref _retainedBytes, 0);
    }

    /// <summary>The array length that serves a request of <paramref name="length"/> elements.</summary>
    public static int ClassSize(int length)
    {
        if (length <= 64) return 64;
        int top = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)length); // 2^top ≤ length < 2^(top+1)
        int quarter = 1 << (top - 2);
        long size = ((long)length + quarter - 1) / quarter * quarter;
        return (int)Math.Min(size, Array.MaxLength);
    }
}

/// <summary>Switches for checking buffer lifetimes in tests.</summary>
public static class PoolDiagnostics
{
    /// <summary>
    /// Poison mode: returned buffers are filled with NaN and not reused, unzeroed buffers start as NaN. Set it
    /// (or STRUCTUREREPS_POOL_POISON=1) to make a use of a freed buffer or of an unwritten element visible.
    /// </summary>
    public static bool Poison { get; set; } = Environment.GetEnvironmentVariable("STRUCTUREREPS_POOL_POISON") == "1";
}
