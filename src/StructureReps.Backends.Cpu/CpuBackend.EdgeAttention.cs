using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StructureReps.Core.Backends;

namespace StructureReps.Backends.Cpu;

/// <summary>
/// The fused Edge-Attention score (<see cref="IFusedEdgeAttention"/>): each edge's hidden layer lives in registers
/// (Vector256 blocks of 8 hidden units, the weight transposed to [D, H] so a block is contiguous; a scalar loop
/// when H is not a multiple of 8), never in memory. The backward recomputes it and sums parameter gradients per
/// block of <see cref="Block"/> edges, then adds the blocks in order: the same bits for any thread count.
/// </summary>
public sealed partial class CpuBackend
{
    private const int Block = 2048;

    public void EdgeAttentionScore(DeviceBuffer edges, DeviceBuffer noised, int count, int dim, DeviceBuffer w, DeviceBuffer b,
        int hidden, DeviceBuffer u, DeviceBuffer c, float slope, DeviceBuffer score)
    {
        float[] X = F(edges), N = F(noised), B = F(b), U = F(u), S = F(score);
        float[] WT = Transposed(F(w), hidden, dim);
        float c0 = F(c)[0];
        Parallelism.For(count, 4L * hidden * (dim + 1), (e0, e1) =>
        {
            for (int e = e0; e < e1; e++) S[e] = LeakyRelu(Pre(X, N, e, dim, WT, B, hidden, U, c0, slope), slope);
        });
        _pool.Return(WT);
    }

    public void EdgeAttentionScoreBackward(DeviceBuffer edges, DeviceBuffer noised, int count, int dim, DeviceBuffer w,
        DeviceBuffer b, int hidden, DeviceBuffer u, DeviceBuffer c, float slope, DeviceBuffer dScore,
        DeviceBuffer? dEdges, DeviceBuffer? dNoised, DeviceBuffer dW, DeviceBuffer dB, DeviceBuffer dU, DeviceBuffer dC)
    {
        float[] X = F(edges), N = F(noised), B = F(b), U = F(u), DS = F(dScore);
        float[] WT = Transposed(F(w), hidden, dim);
        float[]? GX = dEdges is null ? null : F(dEdges), GN = dNoised is null ? null : F(dNoised);
        float c0 = F(c)[0];
        // Per block of edges: [dWᵀ (D×H) | dB (H) | dU (H + 2D) | dC (1)].
        int width = hidden + 2 * dim, slots = hidden * dim + hidden + width + 1;
        int blocks = (count + Block - 1) / Block;
        var partial = _pool.Rent(Math.Max(blocks * slots, 1), zeroed: true);
        Parallelism.For(blocks, (long)Block * 6 * hidden * (dim + 1), (b0, b1) =>
        {
            for (int blk = b0; blk < b1; blk++)
            {
                var acc = partial.AsSpan(blk * slots, slots);
                int end = Math.Min(count, (blk + 1) * Block);
                for (int e = blk * Block; e < end; e++)
                {
                    float q = Pre(X, N, e, dim, WT, B, hidden, U, c0, slope);
                    float dq = DS[e] * (q > 0 ? 1 : slope);
                    if (dq != 0) EdgeBackward(X, N, e, dim, WT, B, hidden, U, slope, dq, acc, GX, GN);
                }
            }
        });
        float[] GW = F(dW), GB = F(dB), GU = F(dU), GC = F(dC);
        for (int blk = 0; blk < blocks; blk++)
        {
            var acc = partial.AsSpan(blk * slots, slots);
            for (int k = 0; k < dim; k++)
                for (int j = 0; j < hidden; j++) GW[j * dim + k] += acc[k * hidden + j];
            for (int j = 0; j < hidden; j++) GB[j] += acc[hidden * dim + j];
            for (int i = 0; i < width; i++) GU[i] += acc[hidden * dim + hidden + i];
            GC[0] += acc[slots - 1];
        }
        _pool.Return(partial);
        _pool.Return(WT);
    }

    /// <summary>wᵀ [D, H] from w [H, D], in a pooled array (return it).</summary>
    private float[] Transposed(float[] w, int hidden, int dim)
    {
        var t = _pool.Rent(hidden * dim, zeroed: false);
        for (int j = 0; j < hidden; j++)
            for (int k = 0; k < dim; k++) t[k * hidden + j] = w[j * dim + k];
        return t;
    }

    /// <summary>q = u·[t ‖ ε ‖ ε̃] + c for edge e, t = LeakyReLU(W ε + b).</summary>
    private static float Pre(float[] X, float[] N, int e, int dim, float[] WT, float[] B, int hidden, float[] U, float c, float slope)
    {
        int row = e * dim;
        float q = c;
        if (hidden % 8 == 0)
        {
            ref float wt = ref MemoryMarshal.GetArrayDataReference(WT);
            ref float bias = ref MemoryMarshal.GetArrayDataReference(B);
            ref float ut = ref MemoryMarshal.GetArrayDataReference(U);
            var qv = Vector256<float>.Zero;
            var s = Vector256.Create(slope);
            for (int j = 0; j < hidden; j += 8)
            {
                var h = Vector256.LoadUnsafe(ref bias, (nuint)j);
                for (int k = 0; k < dim; k++) h = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wt, (nuint)(k * hidden + j)), Vector256.Create(X[row + k]), h);
                var t = Vector256.ConditionalSelect(Vector256.GreaterThan(h, Vector256<float>.Zero), h, h * s);
                qv = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ut, (nuint)j), t, qv);
            }
            q += Vector256.Sum(qv);
        }
        else
        {
            for (int j = 0; j < hidden; j++)
            {
                float h = B[j];
                for (int k = 0; k < dim; k++) h += WT[k * hidden + j] * X[row + k];
                q += U[j] * LeakyRelu(h, slope);
            }
        }
        for (int k = 0; k < dim; k++) q += U[hidden + k] * X[row + k] + U[hidden + dim + k] * N[row + k];
        return q;
    }

    /// <summary>One edge's share of the gradients, with dq = dscore·LeakyReLU'(q), into a block's accumulators.</summary>
    private static void EdgeBackward(float[] X, float[] N, int e, int dim, float[] WT, float[] B, int hidden, float[] U, float slope,
        float dq, Span<float> acc, float[]? GX, float[]? GN)
    {
        int row = e * dim, gb0 = hidden * dim, gu0 = gb0 + hidden;
        if (hidden % 8 == 0)
        {
            ref float wt = ref MemoryMarshal.GetArrayDataReference(WT);
            ref float bias = ref MemoryMarshal.GetArrayDataReference(B);
            ref float ut = ref MemoryMarshal.GetArrayDataReference(U);
            ref float a = ref MemoryMarshal.GetReference(acc);
            var s = Vector256.Create(slope);
            var dqv = Vector256.Create(dq);
            for (int j = 0; j < hidden; j += 8)
            {
                var h = Vector256.LoadUnsafe(ref bias, (nuint)j);
                for (int k = 0; k < dim; k++) h = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wt, (nuint)(k * hidden + j)), Vector256.Create(X[row + k]), h);
                var positive = Vector256.GreaterThan(h, Vector256<float>.Zero);
                var t = Vector256.ConditionalSelect(positive, h, h * s);
                Vector256.FusedMultiplyAdd(dqv, t, Vector256.LoadUnsafe(ref a, (nuint)(gu0 + j))).StoreUnsafe(ref a, (nuint)(gu0 + j));
                var dh = dqv * Vector256.LoadUnsafe(ref ut, (nuint)j) * Vector256.ConditionalSelect(positive, Vector256<float>.One, s);
                (Vector256.LoadUnsafe(ref a, (nuint)(gb0 + j)) + dh).StoreUnsafe(ref a, (nuint)(gb0 + j));
                for (int k = 0; k < dim; k++)
                {
                    nuint at = (nuint)(k * hidden + j);
                    Vector256.FusedMultiplyAdd(dh, Vector256.Create(X[row + k]), Vector256.LoadUnsafe(ref a, at)).StoreUnsafe(ref a, at);
                    if (GX is not null) GX[row + k] += Vector256.Sum(Vector256.LoadUnsafe(ref wt, at) * dh);
                }
            }
        }
        else
        {
            for (int j = 0; j < hidden; j++)
            {
                float h = B[j];
                for (int k = 0; k < dim; k++) h += WT[k * hidden + j] * X[row + k];
                acc[gu0 + j] += dq * LeakyRelu(h, slope);
                float dh = dq * U[j] * (h > 0 ? 1 : slope);
                acc[gb0 + j] += dh;
                for (int k = 0; k < dim; k++)
                {
                    acc[k * hidden + j] += dh * X[row + k];
                    if (GX is not null) GX[row + k] += WT[k * hidden + j] * dh;
                }
            }
        }
        for (int k = 0; k < dim; k++)
        {
            acc[gu0 + hidden + k] += dq * X[row + k];
            acc[gu0 + hidden + dim + k] += dq * N[row + k];
            if (GX is not null) GX[row + k] += dq * U[hidden + k];
            if (GN is not null) GN[row + k] += dq * U[hidden + dim + k];
        }
        acc[^1] += dq;
    }

    private static float LeakyRelu(float x, float slope) => x > 0 ? x : slope * x;
}
