namespace StructureReps.Core.Backends.Reference;

/// <summary>Convolution unfolding and pooling, as direct loops over the window.</summary>
public sealed partial class ReferenceBackend : IConvolutionKernels
{
    public void Im2Col(DeviceBuffer x, in ConvShape s, DeviceBuffer cols)
    {
        double[] X = D(x), C = D(cols);
        int ho = s.OutH, wo = s.OutW;
        for (int b = 0; b < s.Batch; b++)
            for (int c = 0; c < s.Channels; c++)
                for (int ki = 0; ki < s.KernelH; ki++)
                    for (int kj = 0; kj < s.KernelW; kj++)
                    {
                        int row = (c * s.KernelH + ki) * s.KernelW + kj;
                        for (int oy = 0; oy < ho; oy++)
                            for (int ox = 0; ox < wo; ox++)
                            {
                                int iy = oy * s.StrideH - s.PadH + ki, ix = ox * s.StrideW - s.PadW + kj;
                                bool inside = iy >= 0 && iy < s.H && ix >= 0 && ix < s.W;
                                C[(long)row * s.ColCols + b * s.Pixels + oy * wo + ox] =
                                    inside ? X[((b * s.Channels + c) * s.H + iy) * s.W + ix] : 0;
                            }
                    }
    }

    public void Col2Im(DeviceBuffer cols, in ConvShape s, DeviceBuffer dx)
    {
        double[] C = D(cols), X = D(dx);
        int ho = s.OutH, wo = s.OutW;
        for (int b = 0; b < s.Batch; b++)
            for (int c = 0; c < s.Channels; c++)
                for (int ki = 0; ki < s.KernelH; ki++)
                    for (int kj = 0; kj < s.KernelW; kj++)
                    {
                        int row = (c * s.KernelH + ki) * s.KernelW + kj;
                        for (int oy = 0; oy < ho; oy++)
                            for (int ox = 0; ox < wo; ox++)
                            {
                                int iy = oy * s.StrideH - s.PadH + ki, ix = ox * s.StrideW - s.PadW + kj;
                                if (iy >= 0 && iy < s.H && ix >= 0 && ix < s.W)
                                    X[((b * s.Channels + c) * s.H + iy) * s.W + ix] +=
                                        C[(long)row * s.ColCols + b * s.Pixels + oy * wo + ox];
                            }
                    }
    }

    public void Pool2d(ReduceOp op, DeviceBuffer x, in ConvShape s, DeviceBuffer y, IndexBuffer? argmax)
    {
        double[] X = D(x), Y = D(y);
        int[]? arg = argmax is null ? null : I(argmax);
        int ho = s.OutH, wo = s.OutW, planes = s.Batch * s.Channels;
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++)
                {
                    double acc = op == ReduceOp.Max ? double.NegativeInfinity : 0;
                    int best = -1;
                    for (int ki = 0; ki < s.KernelH; ki++)
                        for (int kj = 0; kj < s.KernelW; kj++)
                        {
                            int iy = oy * s.StrideH - s.PadH + ki, ix = ox * s.StrideW - s.PadW + kj;
                            if (iy < 0 || iy >= s.H || ix < 0 || ix >= s.W) continue;
                            int at = (p * s.H + iy) * s.W + ix;
                            if (op == ReduceOp.Max) { if (X[at] > acc || best < 0) { acc = X[at]; best = at; } }
                            else acc += X[at];
                        }
                    int o = (p * ho + oy) * wo + ox;
                    Y[o] = op == ReduceOp.Max ? (best < 0 ? 0 : acc) : acc / (s.KernelH * s.KernelW);
                    if (arg is not null) arg[o] = best;
                }
    }

    public void AvgPool2dBackward(DeviceBuffer dy, in ConvShape s, DeviceBuffer dx)
    {
        double[] DY = D(dy), DX = D(dx);
        int ho = s.OutH, wo = s.OutW, planes = s.Batch * s.Channels;
        double scale = 1.0 / (s.KernelH * s.KernelW);
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++)
                {
                    double g = DY[(p * ho + oy) * wo + ox] * scale;
                    for (int ki = 0; ki < s.KernelH; ki++)
                        for (int kj = 0; kj < s.KernelW; kj++)
                        {
                            int iy = oy * s.StrideH - s.PadH + ki, ix = ox * s.StrideW - s.PadW + kj;
                            if (iy >= 0 && iy < s.H && ix >= 0 && ix < s.W) DX[(p * s.H + iy) * s.W + ix] += g;
                        }
                }
    }

    public void MaxPool2dBackward(DeviceBuffer dy, IndexBuffer argmax, in ConvShape s, DeviceBuffer dx) =>
        IndexAdd(dy, argmax, s.Batch * s.Channels * s.OutH * s.OutW, dx);
}
