using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Max pooling: x [B, C, H, W] → [B, C, Ho, Wo], window k×k, stride (default k), zero padding ignored.
    /// Backward: dx[argmax] += dy (the first maximum of each window).
    /// </summary>
    public static Tensor MaxPool2d(Tensor x, int kernel, int? stride = null, int padding = 0)
    {
        var s = PoolShape("MaxPool2d", x, kernel, stride ?? kernel, padding);
        var be = x.Backend;
        var y = OpSupport.Output(be, [s.Batch, s.Channels, s.OutH, s.OutW]);
        var arg = OpSupport.NewIndices(be, y.Length);
        be.Pool2d(ReduceOp.Max, x.Data, s, y.Data, arg);
        return Tape.Record(y, [x], dy => be.MaxPool2dBackward(dy.Data, arg, s, x.GradBuffer()));
    }

    /// <summary>
    /// Average pooling: x [B, C, H, W] → [B, C, Ho, Wo], window k×k, padding counted as zeros (PyTorch default).
    /// Backward: each input in a window gets dy/(k·k).
    /// </summary>
    public static Tensor AvgPool2d(Tensor x, int kernel, int? stride = null, int padding = 0)
    {
        var s = PoolShape("AvgPool2d", x, kernel, stride ?? kernel, padding);
        var be = x.Backend;
        var y = OpSupport.Output(be, [s.Batch, s.Channels, s.OutH, s.OutW]);
        be.Pool2d(ReduceOp.Mean, x.Data, s, y.Data, null);
        return Tape.Record(y, [x], dy => be.AvgPool2dBackward(dy.Data, s, x.GradBuffer()));
    }

    /// <summary>Global average pooling: x [B, C, H, W] → [B, C], the mean over H·W. Backward: dx += dy/(H·W).</summary>
    public static Tensor GlobalAvgPool2d(Tensor x)
    {
        Shapes.Rank("GlobalAvgPool2d", "x", x, 4);
        return Reshape(Mean(Reshape(x, [x.Shape[0], x.Shape[1], x.Shape[2] * x.Shape[3]]), 2), [x.Shape[0], x.Shape[1]]);
    }

    private static ConvShape PoolShape(string op, Tensor x, int kernel, int stride, int padding)
    {
        Shapes.Rank(op, "x", x, 4);
        if (kernel < 1 || stride < 1 || padding < 0 || padding > kernel / 2)
            throw new ArgumentOutOfRangeException(nameof(kernel), $"{op}: need kernel ≥ 1, stride ≥ 1 and 0 ≤ padding ≤ kernel/2 (got {kernel}, {stride}, {padding})");
        var s = new ConvShape(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], kernel, kernel, stride, stride, padding, padding);
        if (s.OutH < 1 || s.OutW < 1)
            throw new ShapeMismatchException($"{op}: a {kernel}×{kernel} window does not fit x {Shapes.Format(x.Shape)}");
        return s;
    }
}
