using ILGPU;

namespace StructureReps.Kernels;

/// <summary>
/// Direct convolution (the backend capability <c>IDirectConv2d</c>), naive form: every kernel a gather in which
/// one thread owns one output element and loops over what it needs, so no atomics and the same bits on every
/// run. No im2col matrix (C·k² times the input) is ever built:
/// <list type="bullet">
/// <item><c>Forward</c>: y[b, o, i, j] = bias[o] + Σ_{c, ki, kj} w[o, c, ki, kj] · x[b, c, i·sh − ph + ki, j·sw − pw + kj].</item>
/// <item><c>BackwardInput</c>: dx[b, c, iy, ix] += Σ over the windows that read the pixel of w · dy (the window
/// range per axis from <c>ConvKernels.WindowsOfPixel</c>, pooling's gather).</item>
/// <item><c>BackwardWeight</c>: dw[o, c, ki, kj] += Σ_{b, i, j} dy[b, o, i, j] · x[b, c, …], one thread per weight.</item>
/// <item><c>BackwardBias</c>: dbias[o] += Σ_{b, i, j} dy[b, o, i, j].</item>
/// </list>
/// With the fused ReLU the forward stores max(y, 0) and the backward kernels read dy only where that y &gt; 0.
/// </summary>
public static class DirectConvKernels
{
    /// <summary>Forward flags: add the bias; apply max(·, 0) (the fused ReLU; NaN stays NaN, as on the CPU).</summary>
    public const int HasBias = 1, Relu = 2;

    /// <summary>The gradient the backward kernels take: dy, or with the fused ReLU dy where y &gt; 0, else 0.</summary>
    private static float Gradient(ArrayView<float> dy, ArrayView<float> y, int relu, int i) => relu == 0 || y[i] > 0 ? dy[i] : 0;

    public static void Forward(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y,
        ConvArgs s, int outChannels, int flags)
    {
        int total = s.Batch * outChannels * s.OutH * s.OutW;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int ox = i % s.OutW, oy = i / s.OutW % s.OutH, o = i / (s.OutW * s.OutH) % outChannels;
            int b = i / (s.OutW * s.OutH * outChannels);
            float acc = (flags & HasBias) != 0 ? bias[o] : 0;
            for (int c = 0; c < s.Channels; c++)
                for (int ki = 0; ki < s.KernelH; ki++)
                {
                    int iy = oy * s.StrideH - s.PadH + ki;
                    if (iy < 0 || iy >= s.H) continue;
                    for (int kj = 0; kj < s.KernelW; kj++)
                    {
                        int ix = ox * s.StrideW - s.PadW + kj;
                        if (ix < 0 || ix >= s.W) continue;
                        acc += w[((o * s.Channels + c) * s.KernelH + ki) * s.KernelW + kj]
                            * x[((b * s.Channels + c) * s.H + iy) * s.W + ix];
                    }
                }
            y[i] = (flags & Relu) != 0 && acc < 0 ? 0 : acc;
        }
    }

    public static void BackwardInput(ArrayView<float> dy, ArrayView<float> y, ArrayView<float> w, ArrayView<float> dx, ConvArgs s,
        int outChannels, int relu)
    {
        int total = s.Batch * s.Channels * s.H * s.W;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            // The windows that read this pixel (pooling's gather), each at tap (ki, kj) = pixel − window origin.
            int plane = ConvKernels.WindowsOfPixel(i, s, out int y0, out int y1, out int x0, out int x1);
            int ix = i % s.W, iy = i / s.W % s.H, c = plane % s.Channels, b = plane / s.Channels;
            float acc = 0;
            for (int o = 0; o < outChannels; o++)
                for (int oy = y0; oy < y1; oy++)
                {
                    int ki = iy + s.PadH - oy * s.StrideH;
                    for (int ox = x0; ox < x1; ox++)
                    {
                        int kj = ix + s.PadW - ox * s.StrideW;
                        acc += w[((o * s.Channels + c) * s.KernelH + ki) * s.KernelW + kj]
                            * Gradient(dy, y, relu, ((b * outChannels + o) * s.OutH + oy) * s.OutW + ox);
                    }
                }
            dx[i] += acc;
        }
    }

    public static void BackwardWeight(ArrayView<float> dy, ArrayView<float> y, ArrayView<float> x, ArrayView<float> dw, ConvArgs s,
        int outChannels, int relu)
    {
        int total = outChannels * s.Channels * s.KernelH * s.KernelW;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int kj = i % s.KernelW, ki = i / s.KernelW % s.KernelH, c = i / (s.KernelW * s.KernelH) % s.Channels;
            int o = i / (s.KernelW * s.KernelH * s.Channels);
            float acc = 0;
            for (int b = 0; b < s.Batch; b++)
                for (int oy = 0; oy < s.OutH; oy++)
                {
                    int iy = oy * s.StrideH - s.PadH + ki;
                    if (iy < 0 || iy >= s.H) continue;
                    for (int ox = 0; ox < s.OutW; ox++)
                    {
                        int ix = ox * s.StrideW - s.PadW + kj;
                        if (ix < 0 || ix >= s.W) continue;
                        acc += Gradient(dy, y, relu, ((b * outChannels + o) * s.OutH + oy) * s.OutW + ox) * x[((b * s.Channels + c) * s.H + iy) * s.W + ix];
                    }
                }
            dw[i] += acc;
        }
    }

    public static void BackwardBias(ArrayView<float> dy, ArrayView<float> y, ArrayView<float> dbias, ConvArgs s, int outChannels, int relu)
    {
        int pixels = s.OutH * s.OutW;
        for (int o = GridStride.Start, step = GridStride.Step; o < outChannels; o += step)
        {
            float acc = 0;
            for (int b = 0; b < s.Batch; b++)
                for (int p = 0; p < pixels; p++) acc += Gradient(dy, y, relu, (b * outChannels + o) * pixels + p);
            dbias[o] += acc;
        }
    }
}
