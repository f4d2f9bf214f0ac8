using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// c = op(a)·op(b): a [M, K] (or [K, M] when <paramref name="transA"/>), b [K, N] (or [N, K] when
    /// <paramref name="transB"/>) → c [M, N]. Backward (for the plain case): da += dc·bᵀ, db += aᵀ·dc;
    /// the transposed cases follow by transposing those products (see <see cref="MatMulBackward"/>).
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transA = false, bool transB = false)
    {
        Shapes.SameBackend("MatMul", a, b);
        Shapes.Rank("MatMul", "a", a, 2);
        Shapes.Rank("MatMul", "b", b, 2);
        int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
        int kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
            throw new ShapeMismatchException(
                $"MatMul: inner dimensions differ: op(a) is [{m}, {k}] (a {Shapes.Format(a.Shape)}, transA={transA}), op(b) is [{kb}, {n}] (b {Shapes.Format(b.Shape)}, transB={transB}); expected {k} == {kb}");
        var c = k == 0 ? OpSupport.Empty(a.Backend, [m, n]) : OpSupport.Output(a.Backend, [m, n]);
        a.Backend.Gemm(new GemmShape(transA, transB, m, n, k), 1f, a.Data, b.Data, 0f, c.Data);
        return Tape.Record(c, [a, b], dc => MatMulBackward(a, b, dc, transA, transB, 1, m, n, k));
    }

    /// <summary>
    /// Adds the gradients of c = op(a)·op(b) (per batch) into a and b, with beta = 1 GEMMs:
    /// stored a [M,K]: da += dc·op(b)ᵀ; stored a [K,M]: da += op(b)·dcᵀ;
    /// stored b [K,N]: db += op(a)ᵀ·dc; stored b [N,K]: db += dcᵀ·op(a).
    /// </summary>
    internal static void MatMulBackward(Tensor a, Tensor b, Tensor dc, bool ta, bool tb, int batch, int m, int n, int k)
    {
        var be = a.Backend;
        int sa = batch > 1 ? m * k : 0, sb = batch > 1 ? k * n : 0, sc = batch > 1 ? m * n : 0;
        if (a.RequiresGrad)
        {
            if (!ta) be.Gemm(new GemmShape(false, !tb, m, k, n, batch, 0, sc, 0, sb, 0, sa), 1f, dc.Data, b.Data, 1f, a.GradBuffer());
            else be.Gemm(new GemmShape(tb, true, k, m, n, batch, 0, sb, 0, sc, 0, sa), 1f, b.Data, dc.Data, 1f, a.GradBuffer());
        }
        if (b.RequiresGrad)
        {
            if (!tb) be.Gemm(new GemmShape(!ta, false, k, n, m, batch, 0, sa, 0, sc, 0, sb), 1f, a.Data, dc.Data, 1f, b.GradBuffer());
            else be.Gemm(new GemmShape(true, ta, n, k, m, batch, 0, sc, 0, sa, 0, sb), 1f, dc.Data, a.Data, 1f, b.GradBuffer());
        }
    }
}
