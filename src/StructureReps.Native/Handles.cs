using System.Collections.Concurrent;

namespace StructureReps.Native;

/// <summary>
/// Handles given to the host are numbers in a table, not pointers to managed objects: an unknown, closed or
/// twice-closed handle is an error code, never a crash.
/// </summary>
internal static class Handles
{
    private static readonly ConcurrentDictionary<nint, object> Live = new();
    private static long _next = 0x5200;

    public static nint Add(object value)
    {
        nint id = (nint)Interlocked.Increment(ref _next);
        Live[id] = value;
        return id;
    }

    public static T Get<T>(nint id, string what) where T : class =>
        Live.TryGetValue(id, out var v) && v is T t ? t : throw new NativeArgumentException($"{what}: not an open handle ({id})");

    public static void Remove<T>(nint id, string what) where T : class
    {
        if (!(Live.TryGetValue(id, out var v) && v is T && Live.TryRemove(id, out _)))
            throw new NativeArgumentException($"{what}: not an open handle ({id}); closed twice?");
    }
}

/// <summary>A misuse of the C ABI by the host (null pointer, bad handle, small buffer): SR_INVALID_ARGUMENT.</summary>
internal sealed class NativeArgumentException(string message) : Exception(message);

/// <summary>Two things that do not belong together (a probe for another encoder): SR_MISMATCH.</summary>
internal sealed class NativeMismatchException(string message) : Exception(message);
