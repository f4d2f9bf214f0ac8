using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StructureReps.Backends.Cpu.Elementwise;

/// <summary>
/// The one generic loop behind every operator struct: Vector512 when the hardware has it, else Vector256, then a
/// scalar tail (TensorPrimitives' driver shape, without its alignment and non-temporal refinements).
/// </summary>
internal static class Driver
{
    /// <summary>y[i] = TOp(x[i]) for i in [0, x.Length).</summary>
    public static void Map<TOp>(ReadOnlySpan<float> x, Span<float> y, float alpha) where TOp : struct, IUnaryOperator
    {
        int i = 0, n = x.Length;
        ref float xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(alpha);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                TOp.Invoke(Vector512.LoadUnsafe(ref xr, (nuint)i), a).StoreUnsafe(ref yr, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                TOp.Invoke(Vector256.LoadUnsafe(ref xr, (nuint)i), a).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) = TOp.Invoke(Unsafe.Add(ref xr, i), alpha);
    }

    /// <summary>dx[i] += dy[i]·TOp(x[i], y[i]) for i in [0, x.Length).</summary>
    public static void DerivativeMul<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy,
        Span<float> dx, float alpha) where TOp : struct, IDerivativeOperator
    {
        int i = 0, n = x.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(alpha);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var d = TOp.Invoke(Vector512.Create(x.Slice(i)), Vector512.Create(y.Slice(i)), a);
                Vector512.FusedMultiplyAdd(Vector512.Create(dy.Slice(i)), d, Vector512.Create(dx.Slice(i))).CopyTo(dx.Slice(i));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var d = TOp.Invoke(Vector256.Create(x.Slice(i)), Vector256.Create(y.Slice(i)), a);
                (Vector256.Create(dx.Slice(i)) + Vector256.Create(dy.Slice(i)) * d).CopyTo(dx.Slice(i));
            }
        }
        for (; i < n; i++) dx[i] += dy[i] * TOp.Invoke(x[i], y[i], alpha);
    }
}
