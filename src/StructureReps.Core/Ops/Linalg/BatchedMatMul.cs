using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// c[i] = op(a[i])·op(b[i]): a [B, M, K] (or [B, K, M]), b [B, K, N] (or [B, N, K]) → c [B, M, N].
    /// Backward: the <see cref="MatMul"/> rules per batch element.
    /// </summary>
    public static Tensor BatchedMatMul(Tensor a, Tensor b, bool transA = false, bool transB = false)
    {
        Shapes.SameBackend("BatchedMatMul", a, b);
        Shapes.Rank("BatchedMatMul", "a", a, 3);
        Shapes.Rank("BatchedMatMul", "b", b, 3);
        int batch = a.Shape[0];
        if (b.Shape[0] != batch)
            throw new ShapeMismatchException($"BatchedMatMul: batch sizes differ: a {Shapes.Format(a.Shape)}, b {Shapes.Format(b.Shape)}");
        int m = transA ? a.Shape[2] : a.Shape[1], k = transA ? a.Shape[1] : a.Shape[2];
        int kb = transB ? b.Shape[2] : b.Shape[1], n = transB ? b.Shape[1] : b.Shape[2];
        if (k != kb)
            throw new ShapeMismatchException(
                $"BatchedMatMul: inner dimensions differ: op(a) is [{batch}, {m}, {k}], op(b) is [{batch}, {kb}, {n}]; expected {k} == {kb}");
        var c = k == 0 ? OpSupport.Empty(a.Backend, [batch, m, n]) : OpSupport.Output(a.Backend, [batch, m, n]);
        a.Backend.Gemm(new GemmShape(transA, transB, m, n, k, batch, 0, m * k, 0, k * n, 0, m * n), 1f, a.Data, b.Data, 0f, c.Data);
        return Tape.Record(c, [a, b], dc => MatMulBackward(a, b, dc, transA, transB, batch, m, n, k));
    }

    /// <summary>
    /// y = x·wᵀ + bias (PyTorch's Linear): x [.., In], w [Out, In], bias [Out] or null → y [.., Out].
    /// Composed of <see cref="Reshape"/>, <see cref="MatMul"/> and <see cref="BiasAdd"/>, whose rules give the backward.
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor w, Tensor? bias = null)
    {
        Shapes.Rank("Linear", "weight", w, 2);
        if (x.Rank < 1 || x.Shape[^1] != w.Shape[1])
            throw new ShapeMismatchException($"Linear: x {Shapes.Format(x.Shape)} must end in In = {w.Shape[1]} (weight is [Out, In] = {Shapes.Format(w.Shape)})");
        var flat = x.Rank == 2 ? x : Reshape(x, [x.Length / w.Shape[1], w.Shape[1]]);
        var y = MatMul(flat, w, transB: true);
        if (bias is not null) y = BiasAdd(y, bias, 1);
        if (x.Rank == 2) return y;
        var shape = (int[])x.Shape.Clone();
        shape[^1] = w.Shape[0];
        return Reshape(y, shape);
    }
}
