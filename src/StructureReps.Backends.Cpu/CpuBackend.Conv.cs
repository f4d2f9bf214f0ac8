using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using StructureReps.Core.Backends;

namespace StructureReps.Backends.Cpu;

/// <summary>Im2col/col2im and pooling, threaded over (batch, channel) planes; each plane is owned by one thread.</summary>
public sealed partial class CpuBackend : IConvolutionKernels
{
    public void Im2Col(DeviceBuffer x, in ConvShape shape, DeviceBuffer cols)
    {
        float[] X = F(x), C = F(cols);
        var s = shape;
        int ho = s.OutH, wo = s.OutW;
        Parallelism.For(s.Batch * s.Channels, (long)s.KernelH * s.KernelW * ho * wo, (p0, p1) =>
        {
            for (int plane = p0; plane < p1; plane++)
            {
                int b = plane / s.Channels, c = plane % s.Channels;
                for (int ki = 0; ki < s.KernelH; ki++)
                    for (int kj = 0; kj < s.KernelW; kj++)
                    {
                        int row = (c * s.KernelH + ki) * s.KernelW + kj;
                        int dst = row * s.ColCols + b * s.Pixels;
                        for (int oy = 0; oy < ho; oy++, dst += wo)
                        {
                            int iy = oy * s.StrideH - s.PadH + ki;
                            var outRow = C.AsSpan(dst, wo);
                            if (iy < 0 || iy >= s.H) { outRow.Clear(); continue; }
                            int src = (plane * s.H + iy) * s.W;
                            if (s.StrideW == 1)
                            {
                                // Contiguous run: only the padded ends need care.
                                int ox0 = Math.Max(0, s.PadW - kj), ox1 = Math.Min(wo, s.W + s.PadW - kj);
                                outRow[..Math.Min(ox0, wo)].Clear();
                                if (ox1 > ox0) X.AsSpan(src + ox0 - s.PadW + kj, ox1 - ox0).CopyTo(outRow[ox0..]);
                                if (ox1 < wo) outRow[Math.Max(ox1, 0)..].Clear();
                            }
                            else
                            {
                                for (int ox = 0; ox < wo; ox++)
                                {
                                    int ix = ox * s.StrideW - s.PadW + kj;
                                    outRow[ox] = ix >= 0 && ix < s.W ? X[src + ix] : 0;
                                }
                            }
                        }
                    }
            }
        });
    }

    public void Col2Im(DeviceBuffer cols, in ConvShape shape, DeviceBuffer dx)
    {
        float[] C = F(cols), X = F(dx);
        var s = shape;
        int ho = s.OutH, wo = s.OutW;
        Parallelism.For(s.Batch * s.Channels, (long)s.KernelH * s.KernelW * ho * wo, (p0, p1) =>
        {
            for (int plane = p0; plane < p1; plane++)
            {
                int b = plane / s.Channels, c = plane % s.Channels;
                for (int ki = 0; ki < s.KernelH; ki++)
                    for (int kj = 0; kj < s.KernelW; kj++)
                    {
                        int row = (c * s.KernelH + ki) * s.KernelW + kj;
                        int src = row * s.ColCols + b * s.Pixels;
                        for (int oy = 0; oy < ho; oy++, src += wo)
                        {
                            int iy = oy * s.StrideH - s.PadH + ki;
                            if (iy < 0 || iy >= s.H) continue;
                            int dst = (plane * s.H + iy) * s.W;
                            if (s.StrideW == 1)
                            {
                                int ox0 = Math.Max(0, s.PadW - kj), ox1 = Math.Min(wo, s.W + s.PadW - kj);
                                if (ox1 <= ox0) continue;
                                var target = X.AsSpan(dst + ox0 - s.PadW + kj, ox1 - ox0);
                                TensorPrimitives.Add(target, C.AsSpan(src + ox0, ox1 - ox0), target);
                            }
                            else
                            {
                                for (int ox = 0; ox < wo; ox++)
                                {
                                    int ix = ox * s.StrideW - s.PadW + kj;
                                    if (ix >= 0 && ix < s.W) X[dst + ix] += C[src + ox];
                                }
                            }
                        }
                    }
            }
        });
    }

    public void Pool2d(ReduceOp op, DeviceBuffer x, in ConvShape shape, DeviceBuffer y, IndexBuffer? argmax)
    {
        float[] X = F(x), Y = F(y);
        int[]? arg = argmax is null ? null : I(argmax);
        var s = shape;
        if (op == ReduceOp.Max && s.KernelH == 2 && s.KernelW == 2 && s.StrideH == 2 && s.StrideW == 2 && s.PadH == 0 && s.PadW == 0)
        {
            MaxPool2x2(X, s, Y, arg);
            return;
        }
        int ho = s.OutH, wo = s.OutW;
        float scale = 1f / (s.KernelH * s.KernelW);
        Parallelism.For(s.Batch * s.Channels, (long)ho * wo * s.KernelH * s.KernelW, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
                for (int oy = 0; oy < ho; oy++)
                    for (int ox = 0; ox < wo; ox++)
                    {
                        float acc = op == ReduceOp.Max ? float.NegativeInfinity : 0;
                        int best = -1;
                        for (int ki = 0; ki < s.KernelH; ki++)
                        {
                            int iy = oy * s.StrideH - s.PadH + ki;
                            if (iy < 0 || iy >= s.H) continue;
                            for (int kj = 0; kj < s.KernelW; kj++)
                            {
                                int ix = ox * s.StrideW - s.PadW + kj;
                                if (ix < 0 || ix >= s.W) continue;
                                int at = (p * s.H + iy) * s.W + ix;
                                if (op == ReduceOp.Max) { if (best < 0 || X[at] > acc) { acc = X[at]; best = at; } }
                                else acc += X[at];
                            }
                        }
                        int o = (p * ho + oy) * wo + ox;
                        Y[o] = op == ReduceOp.Max ? (best < 0 ? 0 : acc) : acc * scale;
                        if (arg is not null) arg[o] = best;
                    }
        });
    }

    public void AvgPool2dBackward(DeviceBuffer dy, in ConvShape shape, DeviceBuffer dx)
    {
        float[] DY = F(dy), DX = F(dx);
        var s = shape;
        int ho = s.OutH, wo = s.OutW;
        float scale = 1f / (s.KernelH * s.KernelW);
        Parallelism.For(s.Batch * s.Channels, (long)ho * wo * s.KernelH * s.KernelW, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
                for (int oy = 0; oy < ho; oy++)
                    for (int ox = 0; ox < wo; ox++)
                    {
                        float g = DY[(p * ho + oy) * wo + ox] * scale;
                        for (int ki = 0; ki < s.KernelH; ki++)
                        {
                            int iy = oy * s.StrideH - s.PadH + ki;
                            if (iy < 0 || iy >= s.H) continue;
                            for (int kj = 0; kj < s.KernelW; kj++)
                            {
                                int ix = ox * s.StrideW - s.PadW + kj;
                                if (ix >= 0 && ix < s.W) DX[(p * s.H + iy) * s.W + ix] += g;
                            }
                        }
                    }
        });
    }

    /// <summary>
    /// dx[argmax[o]] += dy[o], threaded over planes: a window's arg-max lies in its own plane, so each plane's pixels
    /// are written by one thread, in window order (overlapping windows may pick the same pixel: the bits stay fixed).
    /// </summary>
    public void MaxPool2dBackward(DeviceBuffer dy, IndexBuffer argmax, in ConvShape s, DeviceBuffer dx)
    {
        float[] DY = F(dy), DX = F(dx);
        int[] arg = I(argmax);
        int perPlane = s.OutH * s.OutW;
        Parallelism.For(s.Batch * s.Channels, perPlane, (p0, p1) =>
        {
            for (int o = p0 * perPlane, end = p1 * perPlane; o < end; o++)
                if (arg[o] >= 0) DX[arg[o]] += DY[o];
        });
    }

    /// <summary>
    /// The zoo CNNs' pooling (2×2, stride 2, no padding) without the general loop's bounds checks and branches:
    /// each output compares its four pixels in the general loop's order (row-major, first maximum wins; a NaN in
    /// the first position stays, as there). With AVX2, 8 outputs at a time: each row's 16 inputs split into even and
    /// odd columns in registers, the arg-max chosen by the same comparisons as masks.
    /// </summary>
    private static void MaxPool2x2(float[] X, ConvShape s, float[] Y, int[]? arg)
    {
        int ho = s.OutH, wo = s.OutW, h = s.H, w = s.W;
        Parallelism.For(s.Batch * s.Channels, 4L * ho * wo, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
                for (int oy = 0; oy < ho; oy++)
                {
                    int top = (p * h + 2 * oy) * w, o = (p * ho + oy) * wo;
                    int ox = Avx2.IsSupported ? MaxPoolRowAvx2(X, top, w, wo, Y, o, arg) : 0;
                    for (o += ox; ox < wo; ox++, o++)
                    {
                        int i = top + 2 * ox, j = i + w;
                        float best = X[i];
                        int at = i;
                        if (X[i + 1] > best) { best = X[i + 1]; at = i + 1; }
                        if (X[j] > best) { best = X[j]; at = j; }
                        if (X[j + 1] > best) { best = X[j + 1]; at = j + 1; }
                        Y[o] = best;
                        if (arg is not null) arg[o] = at;
                    }
                }
        });
    }

    /// <summary>Outputs 0 … 8·⌊wo/8⌋ − 1 of one pooled row; returns how many it wrote.</summary>
    private static int MaxPoolRowAvx2(float[] X, int top, int w, int wo, float[] Y, int o, int[]? arg)
    {
        int whole = wo & ~7;
        if (whole == 0) return 0;
        ref float x = ref X[top];
        var step = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        Vector256<int> right = Vector256.Create(1), below = Vector256.Create(w), belowRight = Vector256.Create(w + 1);
        for (int ox = 0; ox < whole; ox += 8)
        {
            ref float t = ref Unsafe.Add(ref x, 2 * ox);
            ref float b = ref Unsafe.Add(ref t, w);
            var (tl, tr) = EvenOdd(Vector256.LoadUnsafe(ref t), Vector256.LoadUnsafe(ref Unsafe.Add(ref t, 8)));
            var (bl, br) = EvenOdd(Vector256.LoadUnsafe(ref b), Vector256.LoadUnsafe(ref Unsafe.Add(ref b, 8)));
            var best = tl;
            var at = Vector256<int>.Zero;
            var m = Vector256.GreaterThan(tr, best);
            best = Vector256.ConditionalSelect(m, tr, best);
            at = Vector256.ConditionalSelect(m.AsInt32(), right, at);
            m = Vector256.GreaterThan(bl, best);
            best = Vector256.ConditionalSelect(m, bl, best);
            at = Vector256.ConditionalSelect(m.AsInt32(), below, at);
            m = Vector256.GreaterThan(br, best);
            best = Vector256.ConditionalSelect(m, br, best);
            at = Vector256.ConditionalSelect(m.AsInt32(), belowRight, at);
            best.StoreUnsafe(ref Y[o + ox]);
            if (arg is not null) (at + step + Vector256.Create(top + 2 * ox)).StoreUnsafe(ref arg[o + ox]);
        }
        return whole;
    }

    /// <summary>16 consecutive floats (a, b) split into their even and odd positions, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) EvenOdd(Vector256<float> a, Vector256<float> b)
    {
        // Within 128-bit lanes: [a0 a2 b0 b2 | a4 a6 b4 b6]; the 64-bit permute 0xD8 restores [a0 a2 a4 a6 b0 b2 b4 b6].
        var even = Avx.Shuffle(a, b, 0x88).AsDouble();
        var odd = Avx.Shuffle(a, b, 0xDD).AsDouble();
        return (Avx2.Permute4x64(even, 0xD8).AsSingle(), Avx2.Permute4x64(odd, 0xD8).AsSingle());
    }
}
