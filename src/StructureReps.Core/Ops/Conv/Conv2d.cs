using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch): x [B, C, H, W], w [O, C, kh, kw], bias [O] or null →
    /// y [B, O, Ho, Wo] with Ho = (H + 2·pad − kh)/stride + 1. Im2col + GEMM: cols_b [C·kh·kw, Ho·Wo],
    /// y_b = W [O, C·kh·kw] · cols_b. Backward: dW += Σ_b dy_b · cols_bᵀ; dcols_b = Wᵀ · dy_b; dx += col2im(dcols).
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        Shapes.SameBackend("Conv2d", x, w);
        Shapes.Rank("Conv2d", "x", x, 4);
        Shapes.Rank("Conv2d", "weight", w, 4);
        if (w.Shape[1] != x.Shape[1])
            throw new ShapeMismatchException(
                $"Conv2d: weight {Shapes.Format(w.Shape)} expects {w.Shape[1]} input channels, x {Shapes.Format(x.Shape)} has {x.Shape[1]}");
        if (stride < 1 || padding < 0) throw new ArgumentOutOfRangeException(nameof(stride), "Conv2d: stride must be ≥ 1 and padding ≥ 0");
        var s = new ConvShape(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], w.Shape[2], w.Shape[3], stride, stride, padding, padding);
        if (s.OutH < 1 || s.OutW < 1)
            throw new ShapeMismatchException($"Conv2d: a {s.KernelH}×{s.KernelW} kernel does not fit x {Shapes.Format(x.Shape)} with padding {padding}");
        int outCh = w.Shape[0], rows = s.ColRows, pixels = s.ColCols;
        var be = x.Backend;
        var cols = be.Allocate(s.Batch * rows * pixels);
        be.Im2Col(x.Data, s, cols);
        var y = OpSupport.Empty(be, [s.Batch, outCh, s.OutH, s.OutW]);
        be.Gemm(new GemmShape(false, false, outCh, pixels, rows, s.Batch, 0, 0, 0, rows * pixels, 0, outCh * pixels),
            1f, w.Data, cols, 0f, y.Data);
        var conv = Tape.Record(y, [x, w], dy =>
        {
            if (w.RequiresGrad)
                for (int b = 0; b < s.Batch; b++)
                    be.Gemm(new GemmShape(false, true, outCh, rows, pixels, 1, b * outCh * pixels, 0, b * rows * pixels),
                        1f, dy.Data, cols, 1f, w.GradBuffer());
            if (x.RequiresGrad)
            {
                var dcols = be.Allocate(s.Batch * rows * pixels);
                be.Gemm(new GemmShape(true, false, rows, pixels, outCh, s.Batch, 0, 0, 0, outCh * pixels, 0, rows * pixels),
                    1f, w.Data, dy.Data, 0f, dcols);
                be.Col2Im(dcols, s, x.GradBuffer());
            }
        });
        return bias is null ? conv : BiasAdd(conv, bias, 1);
    }
}
