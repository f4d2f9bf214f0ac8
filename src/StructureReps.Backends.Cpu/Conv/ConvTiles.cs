using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StructureReps.Backends.Cpu.Conv;

/// <summary>
/// The two register tiles every direct convolution pass is made of, generic over the vector type (Vector512 on
/// AVX-512, Vector256 elsewhere; the JIT compiles one copy per type). Lanes run over a channel dimension padded
/// to whole vectors; NV is the number of vectors per tile (1 or 2: 8·NV accumulators stay in registers).
/// </summary>
internal static class ConvTiles
{
    public const int Pixels = 8, Taps = 8;

    /// <summary>
    /// Pixel tile (forward and input gradient): for 8 pixels t = 0…7, each at pixels[t] past a tap's offset (a row's
    /// pixels step apart, or pixels running on across rows), and NV blocks of L channels,
    /// <code>
    /// dst[(v·L + l)·dstStride + t] = init[v·L + l]
    ///     + Σ_{r &lt; taps} weights[v·vecStride + r·L + l] · src[srcBase + offsets[r] + pixels[t]]
    /// </code>
    /// written channel-major (a [NV·L][8] tile at dstStride 8, or straight into a [channels, pixels] output),
    /// max(·, 0) with relu. A block's weights are [taps, L], contiguous, so one pass reads only its own
    /// lines; init may be empty (zeros).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PixelTile8<TVec, V>(float[] src, int srcBase, ReadOnlySpan<int> pixels, ReadOnlySpan<int> offsets,
        int taps, ReadOnlySpan<float> weights, int vecStride, ReadOnlySpan<float> init, int nv, ref float dst,
        nint dstStride, bool relu = false)
        where TVec : struct where V : ILanes<TVec>
    {
        int L = V.Count;
        ref float x0 = ref src[srcBase];
        ref float w0 = ref MemoryMarshal.GetReference(weights);
        ref int off = ref MemoryMarshal.GetReference(offsets);
        nint s0 = pixels[0], s1 = pixels[1], s2 = pixels[2], s3 = pixels[3];
        nint s4 = pixels[4], s5 = pixels[5], s6 = pixels[6], s7 = pixels[7];
        TVec i0 = init.IsEmpty ? V.Zero : V.Load(in init[0]);
        TVec a0 = i0, a1 = i0, a2 = i0, a3 = i0, a4 = i0, a5 = i0, a6 = i0, a7 = i0;
        if (nv == 1)
        {
            for (int r = 0; r < taps; r++)
            {
                TVec w = V.Load(in Unsafe.Add(ref w0, (nint)r * L));
                ref float p = ref Unsafe.Add(ref x0, Unsafe.Add(ref off, r));
                a0 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s0)), a0);
                a1 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s1)), a1);
                a2 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s2)), a2);
                a3 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s3)), a3);
                a4 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s4)), a4);
                a5 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s5)), a5);
                a6 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s6)), a6);
                a7 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s7)), a7);
            }
            if (relu) ReluAll<TVec, V>(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            V.StoreTransposed(ref dst, dstStride, a0, a1, a2, a3, a4, a5, a6, a7);
            return;
        }
        TVec j0 = init.IsEmpty ? V.Zero : V.Load(in init[L]);
        TVec b0 = j0, b1 = j0, b2 = j0, b3 = j0, b4 = j0, b5 = j0, b6 = j0, b7 = j0;
        for (int r = 0; r < taps; r++)
        {
            ref float wr = ref Unsafe.Add(ref w0, (nint)r * L);
            TVec w = V.Load(in wr), u = V.Load(in Unsafe.Add(ref wr, vecStride));
            ref float p = ref Unsafe.Add(ref x0, Unsafe.Add(ref off, r));
            TVec x = V.Broadcast(Unsafe.Add(ref p, s0));
            a0 = V.Fma(w, x, a0); b0 = V.Fma(u, x, b0);
            x = V.Broadcast(Unsafe.Add(ref p, s1));
            a1 = V.Fma(w, x, a1); b1 = V.Fma(u, x, b1);
            x = V.Broadcast(Unsafe.Add(ref p, s2));
            a2 = V.Fma(w, x, a2); b2 = V.Fma(u, x, b2);
            x = V.Broadcast(Unsafe.Add(ref p, s3));
            a3 = V.Fma(w, x, a3); b3 = V.Fma(u, x, b3);
            x = V.Broadcast(Unsafe.Add(ref p, s4));
            a4 = V.Fma(w, x, a4); b4 = V.Fma(u, x, b4);
            x = V.Broadcast(Unsafe.Add(ref p, s5));
            a5 = V.Fma(w, x, a5); b5 = V.Fma(u, x, b5);
            x = V.Broadcast(Unsafe.Add(ref p, s6));
            a6 = V.Fma(w, x, a6); b6 = V.Fma(u, x, b6);
            x = V.Broadcast(Unsafe.Add(ref p, s7));
            a7 = V.Fma(w, x, a7); b7 = V.Fma(u, x, b7);
        }
        if (relu)
        {
            ReluAll<TVec, V>(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            ReluAll<TVec, V>(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
        }
        V.StoreTransposed(ref dst, dstStride, a0, a1, a2, a3, a4, a5, a6, a7);
        V.StoreTransposed(ref Unsafe.Add(ref dst, L * dstStride), dstStride, b0, b1, b2, b3, b4, b5, b6, b7);
    }

    /// <summary>
    /// Two rows of <see cref="PixelTile8{TVec, V}"/> at one vector of channels (AVX-512's 16 output channels): the 8
    /// pixels at pixels[t] and the 8 at rowDelta + pixels[t] share each tap's weight load and offset, so a tap is 16
    /// FMAs instead of 8 (16 accumulators of the 32 registers). Written to dst and dst + dstRowDelta, channel l's 8
    /// pixels at l·dstStride.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PixelTile8x2<TVec, V>(float[] src, int srcBase, ReadOnlySpan<int> pixels, nint rowDelta,
        ReadOnlySpan<int> offsets, int taps, ReadOnlySpan<float> weights, ReadOnlySpan<float> init, ref float dst,
        nint dstStride, nint dstRowDelta, bool relu)
        where TVec : struct where V : ILanes<TVec>
    {
        int L = V.Count;
        ref float x0 = ref src[srcBase];
        ref float w0 = ref MemoryMarshal.GetReference(weights);
        ref int off = ref MemoryMarshal.GetReference(offsets);
        nint s0 = pixels[0], s1 = pixels[1], s2 = pixels[2], s3 = pixels[3];
        nint s4 = pixels[4], s5 = pixels[5], s6 = pixels[6], s7 = pixels[7];
        TVec i0 = init.IsEmpty ? V.Zero : V.Load(in init[0]);
        TVec a0 = i0, a1 = i0, a2 = i0, a3 = i0, a4 = i0, a5 = i0, a6 = i0, a7 = i0;
        TVec b0 = i0, b1 = i0, b2 = i0, b3 = i0, b4 = i0, b5 = i0, b6 = i0, b7 = i0;
        for (int r = 0; r < taps; r++)
        {
            TVec w = V.Load(in Unsafe.Add(ref w0, (nint)r * L));
            ref float p = ref Unsafe.Add(ref x0, Unsafe.Add(ref off, r));
            ref float q = ref Unsafe.Add(ref p, rowDelta);
            a0 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s0)), a0);
            a1 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s1)), a1);
            a2 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s2)), a2);
            a3 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s3)), a3);
            a4 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s4)), a4);
            a5 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s5)), a5);
            a6 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s6)), a6);
            a7 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, s7)), a7);
            b0 = V.Fma(w, V.Broadcast(Unsafe.Add(ref q, s0)), b0);
            b1 = V.Fma(w, V.Broadcast(Unsafe.Add(ref q, s1)), b1);
            b2 = V.Fma(w, V.Broadcast(Unsafe.Add(ref q, s2)), b2);
            b3 = V.Fma(w, V.Broadcast(Unsafe.Add(ref q, s3)), b3);
            b4 = V.Fma(w, V.Broadcast(Unsafe.Add(ref q, s4)), b4);
            b5 = V.Fma(w, V.Broadcast(Unsafe.Add(ref q, s5)), b5);
            b6 = V.Fma(w, V.Broadcast(Unsafe.Add(ref q, s6)), b6);
            b7 = V.Fma(w, V.Broadcast(Unsafe.Add(ref q, s7)), b7);
        }
        if (relu)
        {
            ReluAll<TVec, V>(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            ReluAll<TVec, V>(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
        }
        V.StoreTransposed(ref dst, dstStride, a0, a1, a2, a3, a4, a5, a6, a7);
        V.StoreTransposed(ref Unsafe.Add(ref dst, dstRowDelta), dstStride, b0, b1, b2, b3, b4, b5, b6, b7);
    }

    /// <summary>
    /// The AVX2 shape of <see cref="PixelTile8{TVec, V}"/>: 6 pixels anywhere in the image (pixel t read at
    /// pixels[t] past each tap's offset, so a tile runs on across rows and narrow rows waste nothing) × NV vectors:
    /// 12 accumulators at nv = 2, 2 weight loads and 6 broadcasts per 12 FMAs (1.5× the FMA rate of 8 pixels × one
    /// vector, measured in isolation). The tile comes out channel-major, [NV·L][8], 6 valid per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PixelTile6<TVec, V>(float[] src, int srcBase, ReadOnlySpan<int> pixels, ReadOnlySpan<int> offsets,
        int taps, ReadOnlySpan<float> weights, int vecStride, ReadOnlySpan<float> init, int nv, Span<float> tile,
        bool relu = false)
        where TVec : struct where V : ILanes<TVec>
    {
        int L = V.Count;
        ref float s0 = ref src[srcBase];
        ref float w0 = ref MemoryMarshal.GetReference(weights);
        ref int off = ref MemoryMarshal.GetReference(offsets);
        nint q0 = pixels[0], q1 = pixels[1], q2 = pixels[2], q3 = pixels[3], q4 = pixels[4], q5 = pixels[5];
        TVec i0 = init.IsEmpty ? V.Zero : V.Load(in init[0]);
        TVec a0 = i0, a1 = i0, a2 = i0, a3 = i0, a4 = i0, a5 = i0;
        if (nv == 1)
        {
            for (int r = 0; r < taps; r++)
            {
                TVec w = V.Load(in Unsafe.Add(ref w0, (nint)r * L));
                ref float p = ref Unsafe.Add(ref s0, Unsafe.Add(ref off, r));
                a0 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, q0)), a0);
                a1 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, q1)), a1);
                a2 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, q2)), a2);
                a3 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, q3)), a3);
                a4 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, q4)), a4);
                a5 = V.Fma(w, V.Broadcast(Unsafe.Add(ref p, q5)), a5);
            }
            if (relu) ReluAll<TVec, V>(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5);
            V.StoreTransposed(ref MemoryMarshal.GetReference(tile), a0, a1, a2, a3, a4, a5, V.Zero, V.Zero);
            return;
        }
        TVec j0 = init.IsEmpty ? V.Zero : V.Load(in init[L]);
        TVec b0 = j0, b1 = j0, b2 = j0, b3 = j0, b4 = j0, b5 = j0;
        for (int r = 0; r < taps; r++)
        {
            ref float wr = ref Unsafe.Add(ref w0, (nint)r * L);
            TVec w = V.Load(in wr), u = V.Load(in Unsafe.Add(ref wr, vecStride));
            ref float p = ref Unsafe.Add(ref s0, Unsafe.Add(ref off, r));
            TVec x = V.Broadcast(Unsafe.Add(ref p, q0));
            a0 = V.Fma(w, x, a0); b0 = V.Fma(u, x, b0);
            x = V.Broadcast(Unsafe.Add(ref p, q1));
            a1 = V.Fma(w, x, a1); b1 = V.Fma(u, x, b1);
            x = V.Broadcast(Unsafe.Add(ref p, q2));
            a2 = V.Fma(w, x, a2); b2 = V.Fma(u, x, b2);
            x = V.Broadcast(Unsafe.Add(ref p, q3));
            a3 = V.Fma(w, x, a3); b3 = V.Fma(u, x, b3);
            x = V.Broadcast(Unsafe.Add(ref p, q4));
            a4 = V.Fma(w, x, a4); b4 = V.Fma(u, x, b4);
            x = V.Broadcast(Unsafe.Add(ref p, q5));
            a5 = V.Fma(w, x, a5); b5 = V.Fma(u, x, b5);
        }
        if (relu)
        {
            ReluAll<TVec, V>(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5);
            ReluAll<TVec, V>(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5);
        }
        V.StoreTransposed(ref MemoryMarshal.GetReference(tile), a0, a1, a2, a3, a4, a5, V.Zero, V.Zero);
        V.StoreTransposed(ref tile[Pixels * L], b0, b1, b2, b3, b4, b5, V.Zero, V.Zero);
    }

    /// <summary>
    /// Tap tile (weight gradient): for 8 taps g (offsets taps[g] into src) and NV blocks of L channels,
    /// <code>acc[v, g, l] += Σ_{pixels p} grad[v·vecStride + p·L + l] · src[srcBase + pixelOffset(p) + taps[g]]</code>
    /// over the pixels of one image (rows × cols, pixel offsets rowStep·i + colStep·j); grad is the image's
    /// pixel-major gradient block, [pixels, L] per block. acc is [NV][8][L].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TapTile<TVec, V>(ReadOnlySpan<float> grad, int vecStride, float[] src, int srcBase,
        ReadOnlySpan<int> taps, int rows, int cols, int rowStep, int colStep, int nv, Span<float> acc)
        where TVec : struct where V : ILanes<TVec>
    {
        int L = V.Count;
        nint t0 = taps[0], t1 = taps[1], t2 = taps[2], t3 = taps[3], t4 = taps[4], t5 = taps[5], t6 = taps[6], t7 = taps[7];
        ref float g0 = ref MemoryMarshal.GetReference(grad);
        ref float sBase = ref src[srcBase];
        ref float c0 = ref acc[0];
        TVec a0 = V.Load(in c0), a1 = V.Load(in Unsafe.Add(ref c0, L)),
            a2 = V.Load(in Unsafe.Add(ref c0, 2 * L)), a3 = V.Load(in Unsafe.Add(ref c0, 3 * L)),
            a4 = V.Load(in Unsafe.Add(ref c0, 4 * L)), a5 = V.Load(in Unsafe.Add(ref c0, 5 * L)),
            a6 = V.Load(in Unsafe.Add(ref c0, 6 * L)), a7 = V.Load(in Unsafe.Add(ref c0, 7 * L));
        if (nv == 1)
        {
            for (int i = 0; i < rows; i++)
            {
                ref float gRow = ref Unsafe.Add(ref g0, (nint)i * cols * L);
                ref float sRow = ref Unsafe.Add(ref sBase, (nint)i * rowStep);
                for (int j = 0; j < cols; j++)
                {
                    TVec d = V.Load(in Unsafe.Add(ref gRow, (nint)j * L));
                    ref float p = ref Unsafe.Add(ref sRow, (nint)j * colStep);
                    a0 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t0)), a0);
                    a1 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t1)), a1);
                    a2 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t2)), a2);
                    a3 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t3)), a3);
                    a4 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t4)), a4);
                    a5 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t5)), a5);
                    a6 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t6)), a6);
                    a7 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t7)), a7);
                }
            }
            Store<TVec, V>(acc, L, a0, a1, a2, a3, a4, a5, a6, a7);
            return;
        }
        ref float c1 = ref acc[Taps * L];
        TVec b0 = V.Load(in c1), b1 = V.Load(in Unsafe.Add(ref c1, L)),
            b2 = V.Load(in Unsafe.Add(ref c1, 2 * L)), b3 = V.Load(in Unsafe.Add(ref c1, 3 * L)),
            b4 = V.Load(in Unsafe.Add(ref c1, 4 * L)), b5 = V.Load(in Unsafe.Add(ref c1, 5 * L)),
            b6 = V.Load(in Unsafe.Add(ref c1, 6 * L)), b7 = V.Load(in Unsafe.Add(ref c1, 7 * L));
        for (int i = 0; i < rows; i++)
        {
            ref float gRow = ref Unsafe.Add(ref g0, (nint)i * cols * L);
            ref float sRow = ref Unsafe.Add(ref sBase, (nint)i * rowStep);
            for (int j = 0; j < cols; j++)
            {
                ref float gp = ref Unsafe.Add(ref gRow, (nint)j * L);
                TVec d = V.Load(in gp), e = V.Load(in Unsafe.Add(ref gp, vecStride));
                ref float p = ref Unsafe.Add(ref sRow, (nint)j * colStep);
                TVec x = V.Broadcast(Unsafe.Add(ref p, t0));
                a0 = V.Fma(d, x, a0); b0 = V.Fma(e, x, b0);
                x = V.Broadcast(Unsafe.Add(ref p, t1));
                a1 = V.Fma(d, x, a1); b1 = V.Fma(e, x, b1);
                x = V.Broadcast(Unsafe.Add(ref p, t2));
                a2 = V.Fma(d, x, a2); b2 = V.Fma(e, x, b2);
                x = V.Broadcast(Unsafe.Add(ref p, t3));
                a3 = V.Fma(d, x, a3); b3 = V.Fma(e, x, b3);
                x = V.Broadcast(Unsafe.Add(ref p, t4));
                a4 = V.Fma(d, x, a4); b4 = V.Fma(e, x, b4);
                x = V.Broadcast(Unsafe.Add(ref p, t5));
                a5 = V.Fma(d, x, a5); b5 = V.Fma(e, x, b5);
                x = V.Broadcast(Unsafe.Add(ref p, t6));
                a6 = V.Fma(d, x, a6); b6 = V.Fma(e, x, b6);
                x = V.Broadcast(Unsafe.Add(ref p, t7));
                a7 = V.Fma(d, x, a7); b7 = V.Fma(e, x, b7);
            }
        }
        Store<TVec, V>(acc, L, a0, a1, a2, a3, a4, a5, a6, a7);
        Store<TVec, V>(acc[(Taps * L)..], L, b0, b1, b2, b3, b4, b5, b6, b7);
    }

    /// <summary>
    /// The AVX2 shape of <see cref="TapTile{TVec, V}"/>: 6 taps × NV vectors (12 accumulators at nv = 2, with 2 gradient
    /// loads and 6 broadcasts per 12 FMAs, inside AVX2's 16 registers). acc is [NV][6][L].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TapTile6<TVec, V>(ReadOnlySpan<float> grad, int vecStride, float[] src, int srcBase,
        ReadOnlySpan<int> taps, int rows, int cols, int rowStep, int colStep, int nv, Span<float> acc)
        where TVec : struct where V : ILanes<TVec>
    {
        int L = V.Count;
        nint t0 = taps[0], t1 = taps[1], t2 = taps[2], t3 = taps[3], t4 = taps[4], t5 = taps[5];
        ref float g0 = ref MemoryMarshal.GetReference(grad);
        ref float sBase = ref src[srcBase];
        ref float c0 = ref acc[0];
        TVec a0 = V.Load(in c0), a1 = V.Load(in Unsafe.Add(ref c0, L)), a2 = V.Load(in Unsafe.Add(ref c0, 2 * L)),
            a3 = V.Load(in Unsafe.Add(ref c0, 3 * L)), a4 = V.Load(in Unsafe.Add(ref c0, 4 * L)), a5 = V.Load(in Unsafe.Add(ref c0, 5 * L));
        if (nv == 1)
        {
            for (int i = 0; i < rows; i++)
            {
                ref float gRow = ref Unsafe.Add(ref g0, (nint)i * cols * L);
                ref float sRow = ref Unsafe.Add(ref sBase, (nint)i * rowStep);
                for (int j = 0; j < cols; j++)
                {
                    TVec d = V.Load(in Unsafe.Add(ref gRow, (nint)j * L));
                    ref float p = ref Unsafe.Add(ref sRow, (nint)j * colStep);
                    a0 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t0)), a0);
                    a1 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t1)), a1);
                    a2 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t2)), a2);
                    a3 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t3)), a3);
                    a4 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t4)), a4);
                    a5 = V.Fma(d, V.Broadcast(Unsafe.Add(ref p, t5)), a5);
                }
            }
            Store6<TVec, V>(ref c0, L, a0, a1, a2, a3, a4, a5);
            return;
        }
        ref float c1 = ref Unsafe.Add(ref c0, 6 * L);
        TVec b0 = V.Load(in c1), b1 = V.Load(in Unsafe.Add(ref c1, L)), b2 = V.Load(in Unsafe.Add(ref c1, 2 * L)),
            b3 = V.Load(in Unsafe.Add(ref c1, 3 * L)), b4 = V.Load(in Unsafe.Add(ref c1, 4 * L)), b5 = V.Load(in Unsafe.Add(ref c1, 5 * L));
        for (int i = 0; i < rows; i++)
        {
            ref float gRow = ref Unsafe.Add(ref g0, (nint)i * cols * L);
            ref float sRow = ref Unsafe.Add(ref sBase, (nint)i * rowStep);
            for (int j = 0; j < cols; j++)
            {
                ref float gp = ref Unsafe.Add(ref gRow, (nint)j * L);
                TVec d = V.Load(in gp), e = V.Load(in Unsafe.Add(ref gp, vecStride));
                ref float p = ref Unsafe.Add(ref sRow, (nint)j * colStep);
                TVec x = V.Broadcast(Unsafe.Add(ref p, t0));
                a0 = V.Fma(d, x, a0); b0 = V.Fma(e, x, b0);
                x = V.Broadcast(Unsafe.Add(ref p, t1));
                a1 = V.Fma(d, x, a1); b1 = V.Fma(e, x, b1);
                x = V.Broadcast(Unsafe.Add(ref p, t2));
                a2 = V.Fma(d, x, a2); b2 = V.Fma(e, x, b2);
                x = V.Broadcast(Unsafe.Add(ref p, t3));
                a3 = V.Fma(d, x, a3); b3 = V.Fma(e, x, b3);
                x = V.Broadcast(Unsafe.Add(ref p, t4));
                a4 = V.Fma(d, x, a4); b4 = V.Fma(e, x, b4);
                x = V.Broadcast(Unsafe.Add(ref p, t5));
                a5 = V.Fma(d, x, a5); b5 = V.Fma(e, x, b5);
            }
        }
        Store6<TVec, V>(ref c0, L, a0, a1, a2, a3, a4, a5);
        Store6<TVec, V>(ref c1, L, b0, b1, b2, b3, b4, b5);
    }

    /// <summary>The fused ReLU on accumulators before their store: a max per register, no pass over the tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReluAll<TVec, V>(ref TVec a0, ref TVec a1, ref TVec a2, ref TVec a3, ref TVec a4, ref TVec a5)
        where TVec : struct where V : ILanes<TVec>
    {
        a0 = V.Relu(a0); a1 = V.Relu(a1); a2 = V.Relu(a2); a3 = V.Relu(a3); a4 = V.Relu(a4); a5 = V.Relu(a5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ReluAll<TVec, V>(ref TVec a0, ref TVec a1, ref TVec a2, ref TVec a3, ref TVec a4, ref TVec a5,
        ref TVec a6, ref TVec a7)
        where TVec : struct where V : ILanes<TVec>
    {
        ReluAll<TVec, V>(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5);
        a6 = V.Relu(a6); a7 = V.Relu(a7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store6<TVec, V>(ref float d, int L, TVec a0, TVec a1, TVec a2, TVec a3, TVec a4, TVec a5)
        where TVec : struct where V : ILanes<TVec>
    {
        V.Store(a0, ref d);
        V.Store(a1, ref Unsafe.Add(ref d, L));
        V.Store(a2, ref Unsafe.Add(ref d, 2 * L));
        V.Store(a3, ref Unsafe.Add(ref d, 3 * L));
        V.Store(a4, ref Unsafe.Add(ref d, 4 * L));
        V.Store(a5, ref Unsafe.Add(ref d, 5 * L));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TVec, V>(Span<float> to, int L, TVec a0, TVec a1, TVec a2, TVec a3, TVec a4, TVec a5, TVec a6, TVec a7)
        where TVec : struct where V : ILanes<TVec>
    {
        ref float d = ref to[8 * L - 1];
        d = ref Unsafe.Subtract(ref d, 8 * L - 1);
        V.Store(a0, ref d);
        V.Store(a1, ref Unsafe.Add(ref d, L));
        V.Store(a2, ref Unsafe.Add(ref d, 2 * L));
        V.Store(a3, ref Unsafe.Add(ref d, 3 * L));
        V.Store(a4, ref Unsafe.Add(ref d, 4 * L));
        V.Store(a5, ref Unsafe.Add(ref d, 5 * L));
        V.Store(a6, ref Unsafe.Add(ref d, 6 * L));
        V.Store(a7, ref Unsafe.Add(ref d, 7 * L));
    }
}
