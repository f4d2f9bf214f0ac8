using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StructureReps.Backends.Cpu.Conv;

/// <summary>
/// The few vector operations the convolution tiles need, as static members of a struct so that one generic kernel
/// compiles to one specialized copy per vector width (TensorPrimitives' operator-struct pattern).
/// </summary>
internal interface ILanes<TVec> where TVec : struct
{
    static abstract int Count { get; }
    static abstract TVec Zero { get; }
    static abstract TVec Load(ref readonly float source);
    static abstract void Store(TVec value, ref float destination);
    static abstract TVec Broadcast(float value);
    /// <summary>a·b + c, one rounding.</summary>
    static abstract TVec Fma(TVec a, TVec b, TVec c);
    /// <summary>a + b per lane.</summary>
    static abstract TVec Add(TVec a, TVec b);
    /// <summary>max(a, 0) per lane, NaN kept (TensorPrimitives.Max's rule): the fused ReLU on accumulators.</summary>
    static abstract TVec Relu(TVec a);

    /// <summary>
    /// The transpose of 8 pixel vectors (a_t holds pixel t's channels): dst[l·8 + t] = a_t[l] for every lane l, so each
    /// channel's 8 pixels are contiguous for the caller's row store.
    /// </summary>
    static abstract void StoreTransposed(ref float dst, TVec a0, TVec a1, TVec a2, TVec a3, TVec a4, TVec a5, TVec a6, TVec a7);

    /// <summary>The same with channel l's 8 pixels at dst[l·stride]: straight into a [channels, pixels] output.</summary>
    static abstract void StoreTransposed(ref float dst, nint stride, TVec a0, TVec a1, TVec a2, TVec a3, TVec a4, TVec a5,
        TVec a6, TVec a7);

    /// <summary>The same added to dst (dst[l·stride + t] += a_t[l]): an input gradient's tile into dx.</summary>
    static abstract void AddTransposed(ref float dst, nint stride, TVec a0, TVec a1, TVec a2, TVec a3, TVec a4, TVec a5,
        TVec a6, TVec a7);
}

internal readonly struct Lanes512 : ILanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref readonly float source) => Vector512.LoadUnsafe(in source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> a) => Vector512.Max(a, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(ref float dst, Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
        Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7) =>
        StoreTransposed(ref dst, 8, a0, a1, a2, a3, a4, a5, a6, a7);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(ref float dst, nint stride, Vector512<float> a0, Vector512<float> a1,
        Vector512<float> a2, Vector512<float> a3, Vector512<float> a4, Vector512<float> a5, Vector512<float> a6,
        Vector512<float> a7) =>
        Transposed(ref dst, stride, a0, a1, a2, a3, a4, a5, a6, a7, add: false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddTransposed(ref float dst, nint stride, Vector512<float> a0, Vector512<float> a1,
        Vector512<float> a2, Vector512<float> a3, Vector512<float> a4, Vector512<float> a5, Vector512<float> a6,
        Vector512<float> a7) =>
        Transposed(ref dst, stride, a0, a1, a2, a3, a4, a5, a6, a7, add: true);

    /// <summary>Lanes 0–7 as one 8×8 transpose into rows 0–7, lanes 8–15 into rows 8–15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transposed(ref float dst, nint stride, Vector512<float> a0, Vector512<float> a1,
        Vector512<float> a2, Vector512<float> a3, Vector512<float> a4, Vector512<float> a5, Vector512<float> a6,
        Vector512<float> a7, bool add)
    {
        Lanes256.Transposed(ref dst, stride, a0.GetLower(), a1.GetLower(), a2.GetLower(), a3.GetLower(),
            a4.GetLower(), a5.GetLower(), a6.GetLower(), a7.GetLower(), add);
        Lanes256.Transposed(ref Unsafe.Add(ref dst, 8 * stride), stride, a0.GetUpper(), a1.GetUpper(),
            a2.GetUpper(), a3.GetUpper(), a4.GetUpper(), a5.GetUpper(), a6.GetUpper(), a7.GetUpper(), add);
    }
}

internal readonly struct Lanes256 : ILanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    public static Vector256<float> Zero => Vector256<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref readonly float source) => Vector256.LoadUnsafe(in source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> a) => Vector256.Max(a, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(ref float dst, Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
        Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7) =>
        StoreTransposed(ref dst, 8, a0, a1, a2, a3, a4, a5, a6, a7);

    /// <summary>
    /// dst[l·stride + t] = a_t[l]: the 8×8 transpose in registers (unpack, shuffle, 128-bit permute) where AVX is,
    /// else through memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(ref float dst, nint stride, Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
        Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7) =>
        Transposed(ref dst, stride, a0, a1, a2, a3, a4, a5, a6, a7, add: false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddTransposed(ref float dst, nint stride, Vector256<float> a0, Vector256<float> a1,
        Vector256<float> a2, Vector256<float> a3, Vector256<float> a4, Vector256<float> a5, Vector256<float> a6,
        Vector256<float> a7) =>
        Transposed(ref dst, stride, a0, a1, a2, a3, a4, a5, a6, a7, add: true);

    /// <summary>dst[l·stride + t] = a_t[l], or += with add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transposed(ref float dst, nint stride, Vector256<float> a0, Vector256<float> a1,
        Vector256<float> a2, Vector256<float> a3, Vector256<float> a4, Vector256<float> a5, Vector256<float> a6,
        Vector256<float> a7, bool add)
    {
        if (!Avx.IsSupported)
        {
            ReadOnlySpan<Vector256<float>> rows = [a0, a1, a2, a3, a4, a5, a6, a7];
            for (int t = 0; t < 8; t++)
                for (int l = 0; l < 8; l++)
                {
                    ref float d = ref Unsafe.Add(ref dst, l * stride + t);
                    d = add ? d + rows[t][l] : rows[t][l];
                }
            return;
        }
        var t0 = Avx.UnpackLow(a0, a1); var t1 = Avx.UnpackHigh(a0, a1);
        var t2 = Avx.UnpackLow(a2, a3); var t3 = Avx.UnpackHigh(a2, a3);
        var t4 = Avx.UnpackLow(a4, a5); var t5 = Avx.UnpackHigh(a4, a5);
        var t6 = Avx.UnpackLow(a6, a7); var t7 = Avx.UnpackHigh(a6, a7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Row(ref dst, Avx.Permute2x128(u0, u4, 0x20), add);
        Row(ref Unsafe.Add(ref dst, 1 * stride), Avx.Permute2x128(u1, u5, 0x20), add);
        Row(ref Unsafe.Add(ref dst, 2 * stride), Avx.Permute2x128(u2, u6, 0x20), add);
        Row(ref Unsafe.Add(ref dst, 3 * stride), Avx.Permute2x128(u3, u7, 0x20), add);
        Row(ref Unsafe.Add(ref dst, 4 * stride), Avx.Permute2x128(u0, u4, 0x31), add);
        Row(ref Unsafe.Add(ref dst, 5 * stride), Avx.Permute2x128(u1, u5, 0x31), add);
        Row(ref Unsafe.Add(ref dst, 6 * stride), Avx.Permute2x128(u2, u6, 0x31), add);
        Row(ref Unsafe.Add(ref dst, 7 * stride), Avx.Permute2x128(u3, u7, 0x31), add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(ref float dst, Vector256<float> row, bool add) =>
        (add ? row + Vector256.LoadUnsafe(ref dst) : row).StoreUnsafe(ref dst);
}
