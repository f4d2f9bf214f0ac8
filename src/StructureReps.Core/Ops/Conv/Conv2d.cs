using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch): x [B, C, H, W], w [O, C, kh, kw], bias [O] or null →
    /// y [B, O, Ho, Wo] with Ho = ⌊(H + 2·pad − kh)/stride⌋ + 1. Backends with <see cref="IDirectConv2d"/> run the
    /// shapes they accept directly (bias included, gradients of x, w and bias from their own kernels). Otherwise
    /// im2col + one GEMM for the whole batch:
    /// cols [C·kh·kw, B·Ho·Wo], Y' = W [O, C·kh·kw] · cols → [O, B, Ho·Wo], permuted to [B, O, Ho·Wo].
    /// Backward with dY' = dy permuted to [O, B, Ho·Wo]: dW += dY' · colsᵀ; dcols = Wᵀ · dY'; dx += col2im(dcols).
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        var s = ConvShapeOf("Conv2d", x, w, bias, stride, padding);
        int outCh = w.Shape[0], rows = s.ColRows, cols = s.ColCols;
        if (x.Backend is IDirectConv2d direct && direct.SupportsDirectConv2d(s, outCh))
            return DirectConv2d(direct, x, w, bias, s, outCh, relu: false);
        int[] channelMajor = [outCh, s.Batch, s.Pixels], batchMajor = [s.Batch, outCh, s.Pixels];
        var be = x.Backend;
        // The unfolded input is saved for the weight gradient; the scope reclaims it if backward never runs.
        var unfolded = Memory.BufferScope.Rent(be, rows * cols, zeroed: false);
        be.Im2Col(x.Data, s, unfolded);
        var product = OpSupport.Scratch(be, outCh * cols, zeroed: rows == 0);
        be.Gemm(new GemmShape(false, false, outCh, cols, rows), 1f, w.Data, unfolded, 0f, product);
        var y = OpSupport.Output(be, [s.Batch, outCh, s.OutH, s.OutW]);
        be.Permute(product, channelMajor, [1, 0, 2], y.Data, accumulate: false);
        OpSupport.Release(product);
        if (!Tape.IsRecording || !(x.RequiresGrad || w.RequiresGrad)) OpSupport.Release(unfolded);
        var conv = Tape.Record(y, [x, w], dy =>
        {
            var dProduct = OpSupport.Scratch(be, outCh * cols);
            be.Permute(dy.Data, batchMajor, [1, 0, 2], dProduct, accumulate: false);
            if (w.RequiresGrad)
                be.Gemm(new GemmShape(false, true, outCh, rows, cols), 1f, dProduct, unfolded, 1f, w.GradBuffer());
            if (x.RequiresGrad)
            {
                var dUnfolded = OpSupport.Scratch(be, rows * cols, zeroed: outCh == 0);
                be.Gemm(new GemmShape(true, false, rows, cols, outCh), 1f, w.Data, dProduct, 0f, dUnfolded);
                be.Col2Im(dUnfolded, s, x.GradBuffer());
                OpSupport.Release(dUnfolded);
            }
            OpSupport.Release(dProduct);
            OpSupport.Release(unfolded);
        });
        return bias is null ? conv : BiasAdd(conv, bias, 1);
    }

    /// <summary>
    /// y = max(Conv2d(x, w, bias), 0), fused where the backend runs the convolution directly: the ReLU is applied as
    /// the output is stored, and its backward (dy where y &gt; 0) is folded into the copies the convolution's backward
    /// makes of dy anyway, so neither pass nor the pre-activation gradient exists. Otherwise Relu(Conv2d(…)).
    /// </summary>
    public static Tensor Conv2dRelu(Tensor x, Tensor w, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        var s = ConvShapeOf("Conv2dRelu", x, w, bias, stride, padding);
        if (x.Backend is IDirectConv2d direct && direct.SupportsDirectConv2d(s, w.Shape[0]))
            return DirectConv2d(direct, x, w, bias, s, w.Shape[0], relu: true);
        return Relu(Conv2d(x, w, bias, stride, padding));
    }

    private static Tensor DirectConv2d(IDirectConv2d direct, Tensor x, Tensor w, Tensor? bias, ConvShape s, int outCh, bool relu)
    {
        if (bias is not null) Shapes.SameBackend("Conv2d", x, bias);
        var y = OpSupport.Output(x.Backend, [s.Batch, outCh, s.OutH, s.OutW]);
        direct.Conv2dForward(x.Data, w.Data, bias?.Data, s, outCh, y.Data, relu);
        Tensor[] parents = bias is null ? [x, w] : [x, w, bias];
        var mask = relu ? y.Data : null;
        return Tape.Record(y, parents, dy =>
        {
            var dx = x.RequiresGrad ? x.GradBuffer() : null;
            var dw = w.RequiresGrad ? w.GradBuffer() : null;
            var db = bias is not null && bias.RequiresGrad ? bias.GradBuffer() : null;
            if (dx is not null || dw is not null || db is not null)
                direct.Conv2dBackward(dy.Data, x.Data, w.Data, s, outCh, dx, dw, db, mask);
        });
    }

    private static ConvShape ConvShapeOf(string op, Tensor x, Tensor w, Tensor? bias, int stride, int padding)
    {
        Shapes.SameBackend(op, x, w);
        Shapes.Rank(op, "x", x, 4);
        Shapes.Rank(op, "weight", w, 4);
        if (w.Shape[1] != x.Shape[1])
            throw new ShapeMismatchException(
                $"{op}: weight {Shapes.Format(w.Shape)} expects {w.Shape[1]} input channels, x {Shapes.Format(x.Shape)} has {x.Shape[1]}");
        if (stride < 1 || padding < 0) throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: stride must be ≥ 1 and padding ≥ 0");
        var s = new ConvShape(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], w.Shape[2], w.Shape[3], stride, stride, padding, padding);
        if (s.OutH < 1 || s.OutW < 1)
            throw new ShapeMismatchException($"{op}: a {s.KernelH}×{s.KernelW} kernel does not fit x {Shapes.Format(x.Shape)} with padding {padding}");
        if (bias is not null && (bias.Rank != 1 || bias.Length != w.Shape[0]))
            throw new ShapeMismatchException($"{op}: bias must be [{w.Shape[0]}] (one per output channel), got {Shapes.Format(bias.Shape)}");
        return s;
    }
}
