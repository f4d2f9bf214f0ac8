using ILGPU;
using ILGPU.Algorithms;

namespace StructureReps.Kernels;

/// <summary>
/// Reductions of x viewed as [outer, axis, inner] over the middle axis, and row-wise log-softmax. Two versions:
/// <list type="bullet">
/// <item><c>PerOutput</c>: one thread per output element (o, i) walks the axis. Right when there are many
/// outputs (column sums, bias gradients, per-row maxima).</item>
/// <item><c>GroupTree</c>: one thread group per output row for inner = 1 with a long axis (a loss summed over
/// every element): the group's threads stride over the row, then a shared-memory tree combines their partial
/// results. The group size is a power of two and fixed per device, so the order — and the bits — are too.</item>
/// </list>
/// Max keeps the first maximum (smallest index) and writes flat indices into x; an empty axis gives 0 and -1.
/// Op codes: 0 sum, 1 mean, 2 max.
/// </summary>
public static class ReductionKernels
{
    public const int Sum = 0, Mean = 1, Max = 2;

    public static void PerOutput(ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, ReduceArgs r)
    {
        int total = r.Outer * r.Inner;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int o = i / r.Inner, inner = i - o * r.Inner;
            int first = o * r.Axis * r.Inner + inner;
            float acc = 0;
            int best = -1;
            if (r.Op == Max)
            {
                for (int a = 0; a < r.Axis; a++)
                {
                    int at = first + a * r.Inner;
                    if (best < 0 || x[at] > acc) { acc = x[at]; best = at; }
                }
                if (r.HasArgmax != 0) argmax[i] = best;
            }
            else
            {
                for (int a = 0; a < r.Axis; a++) acc += x[first + a * r.Inner];
                if (r.Op == Mean) acc = r.Axis == 0 ? 0 : acc / r.Axis;
            }
            y[i] = r.Accumulate != 0 ? y[i] + acc : acc;
        }
    }

    /// <summary>inner = 1 only; launched with a power-of-two group size and 2·groupSize uints of dynamic shared memory.</summary>
    public static void GroupTree(ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, ReduceArgs r)
    {
        var shared = SharedMemory.GetDynamic<uint>();
        int tid = Group.IdxX, size = Group.DimX;
        for (int o = Grid.IdxX; o < r.Outer; o += Grid.DimX)
        {
            int first = o * r.Axis;
            float acc = 0;
            int best = -1;
            for (int a = tid; a < r.Axis; a += size)
            {
                float v = x[first + a];
                if (r.Op != Max) acc += v;
                else if (best < 0 || v > acc) { acc = v; best = first + a; }
            }
            // Floats travel through the uint array as their bits, so one dynamic allocation serves both halves.
            shared[tid] = Interop.FloatAsInt(acc);
            shared[size + tid] = (uint)best;
            Group.Barrier();
            for (int half = size / 2; half > 0; half /= 2)
            {
                if (tid < half)
                {
                    float mine = Interop.IntAsFloat(shared[tid]), other = Interop.IntAsFloat(shared[tid + half]);
                    if (r.Op != Max) shared[tid] = Interop.FloatAsInt(mine + other);
                    else
                    {
                        int mineAt = (int)shared[size + tid], otherAt = (int)shared[size + tid + half];
                        bool takeOther = otherAt >= 0 && (mineAt < 0 || other > mine || (other == mine && otherAt < mineAt));
                        if (takeOther)
                        {
                            shared[tid] = Interop.FloatAsInt(other);
                            shared[size + tid] = (uint)otherAt;
                        }
                    }
                }
                Group.Barrier();
            }
            if (tid == 0)
            {
                float total = Interop.IntAsFloat(shared[0]);
                if (r.Op == Mean) total = r.Axis == 0 ? 0 : total / r.Axis;
                int at = (int)shared[size];
                if (r.Op == Max && at < 0) total = 0;
                if (r.Op == Max && r.HasArgmax != 0) argmax[o] = at;
                y[o] = r.Accumulate != 0 ? y[o] + total : total;
            }
            Group.Barrier();
        }
    }

    /// <summary>y[r, :] = x[r, :] − max − log Σ exp(x − max), one thread per row.</summary>
    public static void LogSoftmax(ArrayView<float> x, ArrayView<float> y, int rows, int cols)
    {
        for (int r = GridStride.Start, step = GridStride.Step; r < rows; r += step)
        {
            int row = r * cols;
            float max = x[row];
            for (int c = 1; c < cols; c++) max = XMath.Max(max, x[row + c]);
            float sum = 0;
            for (int c = 0; c < cols; c++) sum += XMath.Exp(x[row + c] - max);
            float log = XMath.Log(sum);
            for (int c = 0; c < cols; c++) y[row + c] = x[row + c] - max - log;
        }
    }
}

/// <summary>A reduction's geometry and options (see <see cref="ReductionKernels"/>).</summary>
public struct ReduceArgs
{
    public int Op, Outer, Axis, Inner, Accumulate, HasArgmax;
}
