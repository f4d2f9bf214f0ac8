using ILGPU;

namespace StructureReps.Kernels;

/// <summary>
/// Convolution as im2col + GEMM, and pooling. Every kernel is written as a gather — each thread owns one output
/// element and reads what it needs — so the adjoints (col2im, pooling backward) need no atomics and give the
/// same bits on every run:
/// <list type="bullet">
/// <item><c>Im2Col</c>: one thread per entry of cols [C·kh·kw, batch·Ho·Wo] (the batch inside the columns, so a
/// whole batch's convolution is one GEMM).</item>
/// <item><c>Col2Im</c>: one thread per input pixel sums, over the kh·kw window offsets, the column entries that
/// read it — the scatter of the CPU backend turned around.</item>
/// <item><c>Pool</c> (max with arg-max, or average counting padding as zeros), and the two backward gathers
/// <c>AvgPoolBackward</c> and <c>MaxPoolBackward</c> (a pixel collects dy from the windows whose arg-max it is,
/// in window order: overlapping windows stay deterministic).</item>
/// </list>
/// </summary>
public static class ConvKernels
{
    public static void Im2Col(ArrayView<float> x, ArrayView<float> cols, ConvArgs s)
    {
        int pixels = s.OutH * s.OutW, colCols = s.Batch * pixels, total = s.Channels * s.KernelH * s.KernelW * colCols;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int row = i / colCols, col = i - row * colCols;
            int kj = row % s.KernelW, ki = row / s.KernelW % s.KernelH, c = row / (s.KernelW * s.KernelH);
            int b = col / pixels, p = col - b * pixels, oy = p / s.OutW, ox = p - oy * s.OutW;
            int iy = oy * s.StrideH - s.PadH + ki, ix = ox * s.StrideW - s.PadW + kj;
            cols[i] = iy >= 0 && iy < s.H && ix >= 0 && ix < s.W ? x[((b * s.Channels + c) * s.H + iy) * s.W + ix] : 0;
        }
    }

    /// <summary>dx [batch, C, H, W] += fold(cols).</summary>
    public static void Col2Im(ArrayView<float> cols, ArrayView<float> dx, ConvArgs s)
    {
        int pixels = s.OutH * s.OutW, colCols = s.Batch * pixels, total = s.Batch * s.Channels * s.H * s.W;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int ix = i % s.W, iy = i / s.W % s.H, plane = i / (s.W * s.H), c = plane % s.Channels, b = plane / s.Channels;
            float acc = 0;
            for (int ki = 0; ki < s.KernelH; ki++)
            {
                int ty = iy + s.PadH - ki;
                if (ty < 0 || ty % s.StrideH != 0 || ty / s.StrideH >= s.OutH) continue;
                int oy = ty / s.StrideH;
                for (int kj = 0; kj < s.KernelW; kj++)
                {
                    int tx = ix + s.PadW - kj;
                    if (tx < 0 || tx % s.StrideW != 0 || tx / s.StrideW >= s.OutW) continue;
                    int row = (c * s.KernelH + ki) * s.KernelW + kj;
                    acc += cols[row * colCols + b * pixels + oy * s.OutW + tx / s.StrideW];
                }
            }
            dx[i] += acc;
        }
    }

    /// <summary>Max (op 2, arg-max = flat index into x, -1 for an all-padding window) or average (op 1) pooling.</summary>
    public static void Pool(ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, ConvArgs s, int op, int hasArgmax)
    {
        int total = s.Batch * s.Channels * s.OutH * s.OutW;
        float scale = 1f / (s.KernelH * s.KernelW);
        for (int o = GridStride.Start, step = GridStride.Step; o < total; o += step)
        {
            int ox = o % s.OutW, oy = o / s.OutW % s.OutH, plane = o / (s.OutW * s.OutH);
            float acc = 0;
            int best = -1;
            for (int ki = 0; ki < s.KernelH; ki++)
            {
                int iy = oy * s.StrideH - s.PadH + ki;
                if (iy < 0 || iy >= s.H) continue;
                for (int kj = 0; kj < s.KernelW; kj++)
                {
                    int ix = ox * s.StrideW - s.PadW + kj;
                    if (ix < 0 || ix >= s.W) continue;
                    int at = (plane * s.H + iy) * s.W + ix;
                    if (op != ReductionKernels.Max) acc += x[at];
                    else if (best < 0 || x[at] > acc) { acc = x[at]; best = at; }
                }
            }
            y[o] = op == ReductionKernels.Max ? (best < 0 ? 0 : acc) : acc * scale;
            if (hasArgmax != 0) argmax[o] = best;
        }
    }

    /// <summary>The output windows [lo, hi) along one axis that contain input coordinate <paramref name="at"/>.</summary>
    private static void Windows(int at, int pad, int kernel, int stride, int outSize, out int lo, out int hi)
    {
        int t = at + pad;                     // window o covers [o·stride, o·stride + kernel) in padded coordinates
        lo = t - kernel + 1 <= 0 ? 0 : (t - kernel + stride) / stride;
        hi = t / stride + 1;
        if (hi > outSize) hi = outSize;
    }

    /// <summary>The plane of input pixel <paramref name="i"/> and the output windows [y0, y1) × [x0, x1) that contain it.</summary>
    internal static int WindowsOfPixel(int i, ConvArgs s, out int y0, out int y1, out int x0, out int x1)
    {
        int ix = i % s.W, iy = i / s.W % s.H;
        Windows(iy, s.PadH, s.KernelH, s.StrideH, s.OutH, out y0, out y1);
        Windows(ix, s.PadW, s.KernelW, s.StrideW, s.OutW, out x0, out x1);
        return i / (s.W * s.H);
    }

    /// <summary>dx += spread(dy)/(kh·kw): each input pixel sums dy over the windows containing it.</summary>
    public static void AvgPoolBackward(ArrayView<float> dy, ArrayView<float> dx, ConvArgs s)
    {
        int total = s.Batch * s.Channels * s.H * s.W;
        float scale = 1f / (s.KernelH * s.KernelW);
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int plane = WindowsOfPixel(i, s, out int y0, out int y1, out int x0, out int x1);
            float acc = 0;
            for (int oy = y0; oy < y1; oy++)
                for (int ox = x0; ox < x1; ox++) acc += dy[(plane * s.OutH + oy) * s.OutW + ox] * scale;
            dx[i] += acc;
        }
    }

    /// <summary>dx[argmax[o]] += dy[o], as a gather: each input pixel collects from the windows that chose it.</summary>
    public static void MaxPoolBackward(ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, ConvArgs s)
    {
        int total = s.Batch * s.Channels * s.H * s.W;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int plane = WindowsOfPixel(i, s, out int y0, out int y1, out int x0, out int x1);
            float acc = 0;
            for (int oy = y0; oy < y1; oy++)
                for (int ox = x0; ox < x1; ox++)
                {
                    int o = (plane * s.OutH + oy) * s.OutW + ox;
                    if (argmax[o] == i) acc += dy[o];
                }
            dx[i] += acc;
        }
    }
}

/// <summary>Geometry of a convolution or pooling window over x [Batch, Channels, H, W]; OutH/OutW precomputed.</summary>
public struct ConvArgs
{
    public int Batch, Channels, H, W, KernelH, KernelW, StrideH, StrideW, PadH, PadW, OutH, OutW;
}
