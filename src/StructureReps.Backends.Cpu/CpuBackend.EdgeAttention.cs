using StructureReps.Core.Backends;

namespace StructureReps.Backends.Cpu;

/// <summary>
/// The fused Edge-Attention score (<see cref="IFusedEdgeAttention"/>): each edge's hidden layer lives in a
/// 16-float stack buffer, never in memory. The backward recomputes it and sums parameter gradients per block of
/// <see cref="Block"/> edges, then adds the blocks in order: the same bits for any thread count.
/// </summary>
public sealed partial class CpuBackend
{
    private const int Block = 2048;

    public void EdgeAttentionScore(DeviceBuffer edges, DeviceBuffer noised, int count, int dim, DeviceBuffer w, DeviceBuffer b,
        int hidden, DeviceBuffer u, DeviceBuffer c, float slope, DeviceBuffer score)
    {
        float[] X = F(edges), N = F(noised), W = F(w), B = F(b), U = F(u), S = F(score);
        float c0 = F(c)[0];
        Parallelism.For(count, 4L * hidden * (dim + 1), (e0, e1) =>
        {
            Span<float> h = stackalloc float[hidden];
            for (int e = e0; e < e1; e++) S[e] = LeakyRelu(Pre(X, N, e, dim, W, B, hidden, U, c0, slope, h), slope);
        });
    }

    public void EdgeAttentionScoreBackward(DeviceBuffer edges, DeviceBuffer noised, int count, int dim, DeviceBuffer w,
        DeviceBuffer b, int hidden, DeviceBuffer u, DeviceBuffer c, float slope, DeviceBuffer dScore,
        DeviceBuffer? dEdges, DeviceBuffer? dNoised, DeviceBuffer dW, DeviceBuffer dB, DeviceBuffer dU, DeviceBuffer dC)
    {
        float[] X = F(edges), N = F(noised), W = F(w), B = F(b), U = F(u), DS = F(dScore);
        float[]? GX = dEdges is null ? null : F(dEdges), GN = dNoised is null ? null : F(dNoised);
        float c0 = F(c)[0];
        int width = hidden + 2 * dim, slots = hidden * dim + hidden + width + 1; // [dW | dB | dU | dC] per block
        int blocks = (count + Block - 1) / Block;
        var partial = _pool.Rent(Math.Max(blocks * slots, 1), zeroed: true);
        Parallelism.For(blocks, (long)Block * 6 * hidden * (dim + 1), (b0, b1) =>
        {
            Span<float> h = stackalloc float[hidden];
            for (int blk = b0; blk < b1; blk++)
            {
                var acc = partial.AsSpan(blk * slots, slots);
                Span<float> gw = acc[..(hidden * dim)], gb = acc.Slice(hidden * dim, hidden), gu = acc.Slice(hidden * dim + hidden, width);
                ref float gc = ref acc[slots - 1];
                int end = Math.Min(count, (blk + 1) * Block);
                for (int e = blk * Block; e < end; e++)
                {
                    float q = Pre(X, N, e, dim, W, B, hidden, U, c0, slope, h);
                    float dq = DS[e] * (q > 0 ? 1 : slope);
                    if (dq == 0) continue;
                    int row = e * dim;
                    for (int j = 0; j < hidden; j++)
                    {
                        float hj = h[j];
                        gu[j] += dq * (hj > 0 ? hj : slope * hj);
                        float dh = dq * U[j] * (hj > 0 ? 1 : slope);
                        gb[j] += dh;
                        for (int k = 0; k < dim; k++)
                        {
                            gw[j * dim + k] += dh * X[row + k];
                            if (GX is not null) GX[row + k] += W[j * dim + k] * dh;
                        }
                    }
                    for (int k = 0; k < dim; k++)
                    {
                        gu[hidden + k] += dq * X[row + k];
                        gu[hidden + dim + k] += dq * N[row + k];
                        if (GX is not null) GX[row + k] += dq * U[hidden + k];
                        if (GN is not null) GN[row + k] += dq * U[hidden + dim + k];
                    }
                    gc += dq;
                }
            }
        });
        float[] GW = F(dW), GB = F(dB), GU = F(dU), GC = F(dC);
        for (int blk = 0; blk < blocks; blk++)
        {
            var acc = partial.AsSpan(blk * slots, slots);
            for (int i = 0; i < hidden * dim; i++) GW[i] += acc[i];
            for (int j = 0; j < hidden; j++) GB[j] += acc[hidden * dim + j];
            for (int i = 0; i < width; i++) GU[i] += acc[hidden * dim + hidden + i];
            GC[0] += acc[slots - 1];
        }
        _pool.Return(partial);
    }

    /// <summary>q = u·[t ‖ ε ‖ ε̃] + c for edge e, with the hidden pre-activations left in h.</summary>
    private static float Pre(float[] X, float[] N, int e, int dim, float[] W, float[] B, int hidden, float[] U, float c,
        float slope, Span<float> h)
    {
        float q = c;
        int row = e * dim;
        for (int j = 0; j < hidden; j++)
        {
            float hj = B[j];
            for (int k = 0; k < dim; k++) hj += W[j * dim + k] * X[row + k];
            h[j] = hj;
            q += U[j] * (hj > 0 ? hj : slope * hj);
        }
        for (int k = 0; k < dim; k++) q += U[hidden + k] * X[row + k] + U[hidden + dim + k] * N[row + k];
        return q;
    }

    private static float LeakyRelu(float x, float slope) => x > 0 ? x : slope * x;
}
