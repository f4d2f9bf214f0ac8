using System.Numerics.Tensors;
using StructureReps.Core.Backends;
using StructureReps.Core.Sparse;

namespace StructureReps.Backends.Cpu;

/// <summary>
/// Gather and the segment reductions over a CSR. Segments are split among threads by edge count
/// (<see cref="SegmentIndex.Partition"/>), each segment reduced by one thread in CSR order: no atomics, and the
/// same bits for any thread count.
/// </summary>
public sealed partial class CpuBackend
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
}
