using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using StructureReps.Core.Backends;
using StructureReps.Core.Sparse;

namespace StructureReps.Backends.Cpu;

/// <summary>
/// Gather and the segment reductions over a CSR. Segments are split among threads by edge count
/// (<see cref="SegmentIndex.Partition"/>), each segment reduced by one thread in CSR order: no atomics, and the
/// same bits for any thread count.
/// </summary>
public sealed partial class CpuBackend : ISparseAttentionKernels
{
    public void Gather(DeviceBuffer src, int cols, IndexBuffer index, int count, DeviceBuffer dst)
    {
        float[] S = F(src), T = F(dst);
        int[] idx = I(index);
        Parallelism.For(count, cols, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++) S.AsSpan(idx[r] * cols, cols).CopyTo(T.AsSpan(r * cols, cols));
        });
    }

    private int[] SegmentBounds(SegmentIndex segments, int cols)
    {
        long work = (long)segments.Elements * Math.Max(cols, 1);
        int parts = (int)Math.Clamp(work / (1 << 14), 1, Parallelism.Workers);
        return segments.Partition(parts);
    }

    public void SegmentReduce(ReduceOp op, DeviceBuffer src, int cols, SegmentIndex segments, DeviceBuffer dst,
        IndexBuffer? argmax, bool accumulate)
    {
        float[] S = F(src), T = F(dst);
        int[]? arg = argmax is null ? null : I(argmax);
        int[] ptr = segments.Ptr, order = segments.Order;
        Parallelism.ForRanges(SegmentBounds(segments, cols), (s0, s1) =>
        {
            var acc = new float[cols];
            for (int s = s0; s < s1; s++)
            {
                int begin = ptr[s], end = ptr[s + 1];
                var accSpan = acc.AsSpan();
                if (op == ReduceOp.Max)
                {
                    if (end == begin) accSpan.Clear();
                    else S.AsSpan(order[begin] * cols, cols).CopyTo(accSpan);
                    if (arg is not null)
                        for (int c = 0; c < cols; c++) arg[s * cols + c] = end == begin ? -1 : order[begin] * cols + c;
                    for (int p = begin + 1; p < end; p++)
                    {
                        int row = order[p] * cols;
                        for (int c = 0; c < cols; c++)
                            if (S[row + c] > acc[c])
                            {
                                acc[c] = S[row + c];
                                if (arg is not null) arg[s * cols + c] = row + c;
                            }
                    }
                }
                else
                {
                    accSpan.Clear();
                    for (int p = begin; p < end; p++) TensorPrimitives.Add(accSpan, S.AsSpan(order[p] * cols, cols), accSpan);
                    if (op == ReduceOp.Mean && end - begin > 1) TensorPrimitives.Multiply(accSpan, 1f / (end - begin), accSpan);
                }
                var target = T.AsSpan(s * cols, cols);
                if (accumulate) TensorPrimitives.Add(target, accSpan, target);
                else accSpan.CopyTo(target);
            }
        });
    }

    public void SegmentSoftmax(DeviceBuffer src, int cols, SegmentIndex segments, DeviceBuffer dst)
    {
        float[] S = F(src), T = F(dst);
        int[] ptr = segments.Ptr, order = segments.Order;
        Parallelism.ForRanges(SegmentBounds(segments, cols), (s0, s1) =>
        {
            var max = new float[cols];
            var sum = new float[cols];
            for (int s = s0; s < s1; s++)
            {
                int begin = ptr[s], end = ptr[s + 1];
                if (end == begin) continue;
                max.AsSpan().Fill(float.NegativeInfinity);
                sum.AsSpan().Clear();
                for (int p = begin; p < end; p++)
                {
                    int row = order[p] * cols;
                    for (int c = 0; c < cols; c++) max[c] = MathF.Max(max[c], S[row + c]);
                }
                for (int p = begin; p < end; p++)
                {
                    int row = order[p] * cols;
                    for (int c = 0; c < cols; c++)
                    {
                        float e = MathF.Exp(S[row + c] - max[c]);
                        T[row + c] = e;
                        sum[c] += e;
                    }
                }
                for (int c = 0; c < cols; c++) sum[c] = 1f / (sum[c] + 1e-16f);
                for (int p = begin; p < end; p++)
                {
                    int row = order[p] * cols;
                    for (int c = 0; c < cols; c++) T[row + c] *= sum[c];
                }
            }
        });
    }

    public void SegmentSoftmaxBackward(DeviceBuffer y, DeviceBuffer dy, int cols, SegmentIndex segments, DeviceBuffer dsrc)
    {
        float[] Y = F(y), DY = F(dy), G = F(dsrc);
        int[] ptr = segments.Ptr, order = segments.Order;
        if (cols == 0) return;
        Parallelism.ForRanges(SegmentBounds(segments, cols), (s0, s1) =>
        {
            Span<float> dot = cols <= 64 ? stackalloc float[cols] : new float[cols];
            for (int s = s0; s < s1; s++)
            {
                int begin = ptr[s], end = ptr[s + 1];
                if (end == begin) continue;
                dot.Clear();
                for (int p = begin; p < end; p++)
                {
                    int row = order[p] * cols;
                    for (int c = 0; c < cols; c++) dot[c] += DY[row + c] * Y[row + c];
                }
                for (int p = begin; p < end; p++)
                {
                    int row = order[p] * cols;
                    for (int c = 0; c < cols; c++) G[row + c] += Y[row + c] * (DY[row + c] - dot[c]);
                }
            }
        });
    }

    public void SegmentWeightedSum(DeviceBuffer src, int heads, int channels, IndexBuffer gather, DeviceBuffer weights,
        SegmentIndex segments, DeviceBuffer dst, bool accumulate)
    {
        float[] S = F(src), W = F(weights), T = F(dst);
        int[] g = I(gather), ptr = segments.Ptr, order = segments.Order;
        int width = heads * channels;
        if (width == 0) return;
        Parallelism.ForRanges(SegmentBounds(segments, width), (s0, s1) =>
        {
            var acc = new float[width];
            for (int s = s0; s < s1; s++)
            {
                var accSpan = acc.AsSpan();
                for (int h = 0; h < heads; h++)
                    AttentionRows.WeightedSum(S, g, W, order, ptr[s], ptr[s + 1], width, heads, h, channels, accSpan.Slice(h * channels, channels));
                var target = T.AsSpan(s * width, width);
                if (accumulate) TensorPrimitives.Add(target, accSpan, target);
                else accSpan.CopyTo(target);
            }
        });
    }

    public void EdgeDot(DeviceBuffer a, IndexBuffer ia, DeviceBuffer b, IndexBuffer ib, int count, int heads, int channels,
        DeviceBuffer dst, bool accumulate)
    {
        float[] A = F(a), B = F(b), T = F(dst);
        int[] ja = I(ia), jb = I(ib);
        int width = heads * channels;
        Parallelism.For(count, Math.Max(width, 1), (e0, e1) =>
        {
            for (int e = e0; e < e1; e++)
                for (int h = 0; h < heads; h++)
                {
                    float dot = AttentionRows.Dot(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(A), ja[e] * width + h * channels),
                        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(B), jb[e] * width + h * channels), channels);
                    ref float r = ref T[e * heads + h];
                    r = accumulate ? r + dot : dot;
                }
        });
    }
}
