using ILGPU;
using ILGPU.Algorithms;

namespace StructureReps.Kernels;

/// <summary>
/// Gather and the segment reductions over a CSR (ptr [S + 1], order [E]: the elements of segment s are
/// order[ptr[s] .. ptr[s+1]) in their original order). Versions and why:
/// <list type="bullet">
/// <item><c>Gather</c>: one thread per destination entry.</item>
/// <item><c>SegmentReduce</c>, <c>SegmentSoftmax</c>: one thread per (segment, column) walks its segment in CSR
/// order — deterministic, no atomics, the same sums as the CPU backend. Neighbouring threads take neighbouring
/// columns of one segment, so the reads of an edge's feature row coalesce.</item>
/// <item><c>SegmentWeightedSum</c>: the attention-weighted aggregation (sparse × dense), one thread per (segment,
/// column) in CSR order like <c>SegmentReduce</c>, each edge's weight read once per head block.</item>
/// <item><c>EdgeDot</c>: one thread per (edge, head) computing a dot product of two gathered row blocks.</item>
/// <item><c>IndexAddAtomic</c>: dst[index[i]] += src[i] with atomic adds, for the arg-max scatters of max
/// reductions, whose indices never repeat (so the result is exact and repeatable). Kept as the atomic variant
/// of scatter-add to compare against the CSR reduction; duplicate indices would add in an unspecified order.</item>
/// </list>
/// Op codes as <see cref="ReductionKernels"/>: 0 sum, 1 mean, 2 max (arg-max = flat index into src, -1 when empty).
/// </summary>
public static class SparseKernels
{
    public static void Gather(ArrayView<float> src, ArrayView<int> index, ArrayView<float> dst, int count, int cols)
    {
        int total = count * cols;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int r = i / cols, c = i - r * cols;
            dst[i] = src[index[r] * cols + c];
        }
    }

    public static void IndexAddAtomic(ArrayView<float> src, ArrayView<int> index, ArrayView<float> dst, int count)
    {
        for (int i = GridStride.Start, step = GridStride.Step; i < count; i += step)
        {
            int at = index[i];
            if (at >= 0) Atomic.Add(ref dst[at], src[i]);
        }
    }

    public static void SegmentReduce(ArrayView<float> src, ArrayView<int> ptr, ArrayView<int> order, ArrayView<float> dst,
        ArrayView<int> argmax, SegmentArgs a)
    {
        int total = a.Segments * a.Cols;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int s = i / a.Cols, c = i - s * a.Cols, begin = ptr[s], end = ptr[s + 1];
            float acc = 0;
            if (a.Op == ReductionKernels.Max)
            {
                int best = -1;
                for (int p = begin; p < end; p++)
                {
                    int at = order[p] * a.Cols + c;
                    if (best < 0 || src[at] > acc) { acc = src[at]; best = at; }
                }
                if (a.HasArgmax != 0) argmax[i] = best;
            }
            else
            {
                for (int p = begin; p < end; p++) acc += src[order[p] * a.Cols + c];
                if (a.Op == ReductionKernels.Mean && end - begin > 1) acc /= end - begin;
            }
            dst[i] = a.Accumulate != 0 ? dst[i] + acc : acc;
        }
    }

    /// <summary>dst = exp(src − segmax) / (Σ_segment exp(src − segmax) + 1e-16), per column (PyG's softmax).</summary>
    public static void SegmentSoftmax(ArrayView<float> src, ArrayView<int> ptr, ArrayView<int> order, ArrayView<float> dst,
        int segments, int cols)
    {
        int total = segments * cols;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int s = i / cols, c = i - s * cols, begin = ptr[s], end = ptr[s + 1];
            if (end == begin) continue;
            float max = src[order[begin] * cols + c];
            for (int p = begin + 1; p < end; p++) max = XMath.Max(max, src[order[p] * cols + c]);
            float sum = 0;
            for (int p = begin; p < end; p++)
            {
                int at = order[p] * cols + c;
                float e = XMath.Exp(src[at] - max);
                dst[at] = e;
                sum += e;
            }
            float inv = 1 / (sum + 1e-16f);
            for (int p = begin; p < end; p++) dst[order[p] * cols + c] *= inv;
        }
    }

    /// <summary>dsrc[e] += y[e] · (dy[e] − Σ_segment dy·y), one thread per (segment, column) in CSR order.</summary>
    public static void SegmentSoftmaxBackward(ArrayView<float> y, ArrayView<float> dy, ArrayView<int> ptr, ArrayView<int> order,
        ArrayView<float> dsrc, int segments, int cols)
    {
        int total = segments * cols;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int s = i / cols, c = i - s * cols, begin = ptr[s], end = ptr[s + 1];
            float dot = 0;
            for (int p = begin; p < end; p++) { int at = order[p] * cols + c; dot += dy[at] * y[at]; }
            for (int p = begin; p < end; p++) { int at = order[p] * cols + c; dsrc[at] += y[at] * (dy[at] - dot); }
        }
    }

    /// <summary>dst[s, h·C + c] (+)= Σ_{e in segment s} w[e, h] · src[gather[e], h·C + c].</summary>
    public static void SegmentWeightedSum(ArrayView<float> src, ArrayView<int> gather, ArrayView<float> weights, ArrayView<int> ptr,
        ArrayView<int> order, ArrayView<float> dst, HeadArgs a)
    {
        int width = a.Heads * a.Channels, total = a.Count * width;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int s = i / width, col = i - s * width, h = col / a.Channels;
            float acc = 0;
            for (int p = ptr[s]; p < ptr[s + 1]; p++)
            {
                int e = order[p];
                acc += weights[e * a.Heads + h] * src[gather[e] * width + col];
            }
            dst[i] = a.Accumulate != 0 ? dst[i] + acc : acc;
        }
    }

    /// <summary>dst[e, h] (+)= Σ_c a[ia[e], h·C + c] · b[ib[e], h·C + c].</summary>
    public static void EdgeDot(ArrayView<float> x, ArrayView<int> ix, ArrayView<float> y, ArrayView<int> iy, ArrayView<float> dst, HeadArgs a)
    {
        int width = a.Heads * a.Channels, total = a.Count * a.Heads;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int e = i / a.Heads, h = i - e * a.Heads;
            int rx = ix[e] * width + h * a.Channels, ry = iy[e] * width + h * a.Channels;
            float acc = 0;
            for (int c = 0; c < a.Channels; c++) acc += x[rx + c] * y[ry + c];
            dst[i] = a.Accumulate != 0 ? dst[i] + acc : acc;
        }
    }
}

/// <summary>The shape of a per-head sparse op: Count rows (segments or edges) of Heads blocks of Channels.</summary>
public struct HeadArgs
{
    public int Count, Heads, Channels, Accumulate;
}

/// <summary>A segment reduction's shape and options.</summary>
public struct SegmentArgs
{
    public int Op, Segments, Cols, Accumulate, HasArgmax;
}
