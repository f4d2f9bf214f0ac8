using System.Runtime.CompilerServices;
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
    /// Rows narrower than this (the stride-2 input gradient's dy of 6×6 and 2×2 pixels) are bordered by one clear
    /// of their planes and then element copies: a span copy and clear per row cost more than the row.
    /// </summary>
    private const int NarrowRow = 16;

    /// <summary>
    /// Planes p0 … p1 − 1 of src, each [h, w], copied to [hp, wp] planes of dst at row top and column left with
    /// everything else zero; every element of those planes is written (only the border twice: no clearing pass
    /// over the whole plane). With a mask, src where mask &gt; 0, else 0.
    /// </summary>
    public static void BorderPlanes(float[] src, float[]? mask, int p0, int p1, int h, int w, int top, int left, int hp,
        int wp, float[] dst)
    {
        if (w < NarrowRow)
        {
            NarrowPlanes(src, mask, p0, p1, h, w, top, left, hp, wp, dst);
            return;
        }
        int plane = hp * wp, right = wp - left - w;
        for (int p = p0; p < p1; p++)
        {
            int at = p * plane;
            dst.AsSpan(at, top * wp + left).Clear(); // rows above, and the first row's left border
            for (int y = 0; y < h; y++)
            {
                int row = at + (y + top) * wp + left;
                if (mask is null) Array.Copy(src, (p * h + y) * w, dst, row, w);
                else MaskedCopy(src.AsSpan((p * h + y) * w, w), mask.AsSpan((p * h + y) * w, w), dst.AsSpan(row, w));
                // this row's right border and the next row's left one (or the rows below, after the last)
                int gap = y + 1 < h ? right + left : right + (hp - top - h) * wp;
                dst.AsSpan(row + w, gap).Clear();
            }
            if (h == 0) dst.AsSpan(at, plane).Clear();
        }
    }

    /// <summary><see cref="BorderPlanes"/> for rows narrower than <see cref="NarrowRow"/>.</summary>
    private static void NarrowPlanes(float[] src, float[]? mask, int p0, int p1, int h, int w, int top, int left,
        int hp, int wp, float[] dst)
    {
        int plane = hp * wp;
        dst.AsSpan(p0 * plane, (p1 - p0) * plane).Clear();
        if (p1 <= p0 || h == 0 || w == 0) return;
        // The last element read and written are in range, so the loop runs without bounds checks.
        _ = src[p1 * h * w - 1];
        _ = dst[(p1 - 1) * plane + (top + h - 1) * wp + left + w - 1];
        if (mask is not null) _ = mask[p1 * h * w - 1];
        ref float s = ref src[0], d = ref dst[0];
        for (int p = p0; p < p1; p++)
            for (int y = 0; y < h; y++)
            {
                int from = (p * h + y) * w, to = p * plane + (top + y) * wp + left;
                if (mask is null)
                    for (int x = 0; x < w; x++) Unsafe.Add(ref d, to + x) = Unsafe.Add(ref s, from + x);
                else
                    for (int x = 0; x < w; x++)
                        Unsafe.Add(ref d, to + x) = mask[from + x] > 0 ? Unsafe.Add(ref s, from + x) : 0f;
            }
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
                dst[d + p * L] = mask is null || mask[i] > 0 ? src[i] : 0;
            }
        }
    }

    /// <summary>8 values of src from i, each where mask &gt; 0 (all without a mask).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Row(float[] src, float[]? mask, int i)
    {
        var v = Vector256.LoadUnsafe(ref src[i]);
        return mask is null
            ? v
            : Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.LoadUnsafe(ref mask[i]), Vector256<float>.Zero), v,
                Vector256<float>.Zero);
    }

    /// <summary>dst = src where mask &gt; 0, else 0.</summary>
    private static void MaskedCopy(ReadOnlySpan<float> src, ReadOnlySpan<float> mask, Span<float> dst)
    {
        int i = 0;
        for (; i + 8 <= src.Length; i += 8)
        {
            var v = Vector256.Create(src.Slice(i, 8));
            var m = Vector256.GreaterThan(Vector256.Create(mask.Slice(i, 8)), Vector256<float>.Zero);
            Vector256.ConditionalSelect(m, v, Vector256<float>.Zero).CopyTo(dst.Slice(i, 8));
        }
        for (; i < src.Length; i++) dst[i] = mask[i] > 0 ? src[i] : 0;
    }

    /// <summary>Σ src (where mask &gt; 0, with a mask): 8 running lanes, then the lanes and the tail in order.</summary>
    public static float Sum(ReadOnlySpan<float> src, ReadOnlySpan<float> mask)
    {
        if (mask.IsEmpty) return System.Numerics.Tensors.TensorPrimitives.Sum(src);
        var acc = Vector256<float>.Zero;
        int i = 0;
        for (; i + 8 <= src.Length; i += 8)
        {
            var m = Vector256.GreaterThan(Vector256.Create(mask.Slice(i, 8)), Vector256<float>.Zero);
            acc += Vector256.ConditionalSelect(m, Vector256.Create(src.Slice(i, 8)), Vector256<float>.Zero);
        }
        float sum = Vector256.Sum(acc);
        for (; i < src.Length; i++) if (mask[i] > 0) sum += src[i];
        return sum;
    }
}
