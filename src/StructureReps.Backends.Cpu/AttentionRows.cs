using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StructureReps.Backends.Cpu;

/// <summary>
/// The inner loops of the attention primitives on short rows (a head's 8–64 channels), where a TensorPrimitives
/// call per edge costs more than its arithmetic: the segment's accumulators stay in four Vector256 registers
/// while its edges stream by, and dot products run as fused multiply-adds. Scalar tails keep any width exact.
/// Sums run over the edges in CSR order, so every thread count gives the same bits.
/// </summary>
internal static class AttentionRows
{
    /// <summary>acc[0..channels) = Σ_{p in [begin, end)} w[order[p]·heads + head] · src[gather[order[p]]·width + offset ..].</summary>
    public static void WeightedSum(float[] src, int[] gather, float[] w, int[] order, int begin, int end, int width, int heads,
        int head, int channels, Span<float> acc)
    {
        int offset = head * channels, c = 0;
        ref float s0 = ref MemoryMarshal.GetArrayDataReference(src); // no bounds check: src may be empty when no edge reads it
        const int V = 8; // Vector256<float>.Count
        for (; c + 4 * V <= channels; c += 4 * V)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int p = begin; p < end; p++)
            {
                int e = order[p];
                var wv = Vector256.Create(w[e * heads + head]);
                ref float row = ref Unsafe.Add(ref s0, gather[e] * width + offset + c);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row), wv, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, V), wv, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 2 * V), wv, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 3 * V), wv, a3);
            }
            a0.CopyTo(acc[c..]); a1.CopyTo(acc[(c + V)..]); a2.CopyTo(acc[(c + 2 * V)..]); a3.CopyTo(acc[(c + 3 * V)..]);
        }
        for (; c + V <= channels; c += V)
        {
            Vector256<float> a0 = default;
            for (int p = begin; p < end; p++)
            {
                int e = order[p];
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref s0, gather[e] * width + offset + c)), Vector256.Create(w[e * heads + head]), a0);
            }
            a0.CopyTo(acc[c..]);
        }
        for (; c < channels; c++)
        {
            float a = 0;
            for (int p = begin; p < end; p++)
            {
                int e = order[p];
                a = MathF.FusedMultiplyAdd(src[gather[e] * width + offset + c], w[e * heads + head], a);
            }
            acc[c] = a;
        }
    }

    /// <summary>Σ_c x[c]·y[c] over <paramref name="n"/> elements.</summary>
    public static float Dot(ref float x, ref float y, int n)
    {
        const int V = 8;
        int c = 0;
        var a0 = Vector256<float>.Zero;
        var a1 = Vector256<float>.Zero;
        for (; c + 2 * V <= n; c += 2 * V)
        {
            a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)c), Vector256.LoadUnsafe(ref y, (nuint)c), a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)(c + V)), Vector256.LoadUnsafe(ref y, (nuint)(c + V)), a1);
        }
        if (c + V <= n)
        {
            a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)c), Vector256.LoadUnsafe(ref y, (nuint)c), a0);
            c += V;
        }
        float sum = Vector256.Sum(a0 + a1);
        for (; c < n; c++) sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref x, c), Unsafe.Add(ref y, c), sum);
        return sum;
    }
}
