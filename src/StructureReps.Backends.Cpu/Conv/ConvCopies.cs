using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StructureReps.Backends.Cpu.Conv;

/// <summary>
/// The copies the direct convolution makes so that its tiles read whole, in-bounds vectors: planes bordered with
/// zeros, dy transposed to pixel-major channel blocks, and the fused ReLU's backward (dy where y &gt; 0, a select,
/// as PyTorch's threshold_backward) folded into both. Each works on a range of planes or images, so one job of
/// the convolution can copy exactly the images it then computes.
/// </summary>
internal static class ConvCopies
{
    /// <summary>
    /// Planes p0 … p1 − 1 of src, each [h, w], copied to [hp, wp] planes of dst at row top and column left with
    /// everything else zero. Every element of those planes is written once, in order: the zeros before a row (the
    /// rows above and its left border, or the last row's right border and this one's left), then the row. The rows
    /// of the zoo's layers are 2 to 32 pixels, so the copies and fills are inline vector moves, not calls (span
    /// copies and clears per row cost more than the row). With a mask, src where mask &gt; 0, else 0.
    /// </summary>
    public static void BorderPlanes(float[] src, float[]? mask, int p0, int p1, int h, int w, int top, int left, int hp,
        int wp, float[] dst)
    {
        int plane = hp * wp, right = wp - left - w;
        if (p1 <= p0) return;
        // The first and last elements read and written are in range, so the loops run without bounds checks.
        _ = dst[p0 * plane];
        _ = dst[p1 * plane - 1];
        if (h > 0 && w > 0)
        {
            _ = src[p1 * h * w - 1];
            if (mask is not null) _ = mask[p1 * h * w - 1];
        }
        ref float d = ref dst[0];
        ref float s = ref MemoryMarshal.GetArrayDataReference(src);
        ref float m = ref mask is null ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetArrayDataReference(mask);
        for (int p = p0; p < p1; p++)
        {
            ref float at = ref Unsafe.Add(ref d, (nint)p * plane);
            if (h == 0 || w == 0)
            {
                Zero(ref at, plane);
                continue;
            }
            Zero(ref at, top * wp + left); // the rows above, and the first row's left border
            for (int y = 0; y < h; y++)
            {
                ref float row = ref Unsafe.Add(ref at, (nint)(y + top) * wp + left);
                nint from = (nint)(p * h + y) * w;
                if (mask is null) Copy(ref Unsafe.Add(ref s, from), ref row, w);
                else MaskedCopy(ref Unsafe.Add(ref s, from), ref Unsafe.Add(ref m, from), ref row, w);
                // this row's right border and the next row's left one (or the rows below, after the last)
                Zero(ref Unsafe.Add(ref row, w), y + 1 < h ? right + left : right + (hp - top - h) * wp);
            }
        }
    }

    /// <summary>n floats from → to: 8 at a time, then one at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(ref float from, ref float to, int n)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8) Vector256.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i);
    }

    /// <summary>n floats from → to where mask &gt; 0, else 0 (the ReLU's backward).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaskedCopy(ref float from, ref float mask, ref float to, int n)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8)
            Kept(Vector256.LoadUnsafe(ref from, (nuint)i), Vector256.LoadUnsafe(ref mask, (nuint)i))
                .StoreUnsafe(ref to, (nuint)i);
        // One lane at a time, still a compare and an and: a branch here mispredicts on half of a ReLU's pixels,
        // and narrow rows (Fashion's 6 × 6 dy) are all tail.
        for (; i < n; i++) Unsafe.Add(ref to, i) = Kept(Unsafe.Add(ref from, i), Unsafe.Add(ref mask, i));
    }

    /// <summary>value where mask &gt; 0, else 0, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Kept(Vector256<float> value, Vector256<float> mask) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(mask, Vector256<float>.Zero), value, Vector256<float>.Zero);

    /// <summary>value where mask &gt; 0, else 0, without a branch (a compare and an and).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Kept(float value, float mask)
    {
        var keep = Vector128.GreaterThan(Vector128.CreateScalarUnsafe(mask), Vector128<float>.Zero);
        return (Vector128.CreateScalarUnsafe(value) & keep).ToScalar();
    }

    /// <summary>n zeros from at: a block clear when long, else 8 at a time and one at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Zero(ref float at, int n)
    {
        if (n >= 64)
        {
            Unsafe.InitBlockUnaligned(ref Unsafe.As<float, byte>(ref at), 0, (uint)n * sizeof(float));
            return;
        }
        int i = 0;
        for (; i + 8 <= n; i += 8) Vector256<float>.Zero.StoreUnsafe(ref at, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref at, i) = 0f;
    }

    /// <summary>
    /// One image's dy [O, pixels] to blocks of L channels, pixel-major: dst[((o / L)·pixels + p)·L + o % L]. Whole 8×8
    /// squares go through the register transpose, the edges one element at a time.
    /// </summary>
    public static void PixelMajor(float[] src, float[]? mask, int at, int O, int pixels, int L, float[] dst, int to)
    {
        int o8 = O & ~7, p8 = pixels & ~7;
        for (int o = 0; o < o8; o += 8)
        {
            ref float block = ref dst[to + (o / L) * pixels * L + o % L];
            for (int p = 0; p < p8; p += 8)
            {
                int row = at + o * pixels + p;
                Lanes256.StoreTransposed(ref Unsafe.Add(ref block, p * L), L,
                    Row(src, mask, row), Row(src, mask, row + pixels), Row(src, mask, row + 2 * pixels),
                    Row(src, mask, row + 3 * pixels), Row(src, mask, row + 4 * pixels), Row(src, mask, row + 5 * pixels),
                    Row(src, mask, row + 6 * pixels), Row(src, mask, row + 7 * pixels));
            }
        }
        for (int o = 0; o < O; o++)
        {
            int from = o < o8 ? p8 : 0, d = to + (o / L) * pixels * L + o % L;
            for (int p = from; p < pixels; p++)
            {
                int i = at + o * pixels + p;
                dst[d + p * L] = mask is null ? src[i] : Kept(src[i], mask[i]);
            }
        }
    }

    /// <summary>8 values of src from i, each where mask &gt; 0 (all without a mask).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Row(float[] src, float[]? mask, int i)
    {
        var v = Vector256.LoadUnsafe(ref src[i]);
        return mask is null ? v : Kept(v, Vector256.LoadUnsafe(ref mask[i]));
    }

    /// <summary>Σ src (where mask &gt; 0, with a mask): 8 running lanes, then the lanes and the tail in order.</summary>
    public static float Sum(ReadOnlySpan<float> src, ReadOnlySpan<float> mask)
    {
        if (mask.IsEmpty) return System.Numerics.Tensors.TensorPrimitives.Sum(src);
        var acc = Vector256<float>.Zero;
        int i = 0;
        for (; i + 8 <= src.Length; i += 8)
            acc += Kept(Vector256.Create(src.Slice(i, 8)), Vector256.Create(mask.Slice(i, 8)));
        float sum = Vector256.Sum(acc);
        for (; i < src.Length; i++) if (mask[i] > 0) sum += src[i];
        return sum;
    }
}
