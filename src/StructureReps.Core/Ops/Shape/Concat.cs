using StructureReps.Core.Autodiff;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Joins tensors along <paramref name="axis"/>: each [.., Aᵢ, ..] (all other axes equal) → [.., ΣAᵢ, ..].
    /// Backward: each input gets its slab of dy.
    /// </summary>
    public static Tensor Concat(IReadOnlyList<Tensor> xs, int axis)
    {
        if (xs.Count == 0) throw new ArgumentException("Concat: needs at least one tensor");
        var first = xs[0];
        int ax = Shapes.NormalizeAxis("Concat", axis, first.Rank);
        int total = 0;
        foreach (var x in xs)
        {
            Shapes.SameBackend("Concat", first, x);
            bool ok = x.Rank == first.Rank;
            for (int d = 0; ok && d < x.Rank; d++) ok = d == ax || x.Shape[d] == first.Shape[d];
            if (!ok)
                throw new ShapeMismatchException(
                    $"Concat: {Shapes.Format(x.Shape)} does not match {Shapes.Format(first.Shape)} on every axis but {ax}");
            total += x.Shape[ax];
        }
        var shape = (int[])first.Shape.Clone();
        shape[ax] = total;
        var y = OpSupport.Output(first.Backend, shape);
        int outer = Shapes.Product(shape, 0, ax), inner = Shapes.Product(shape, ax + 1, shape.Length);
        var offsets = new int[xs.Count];
        for (int i = 0, off = 0; i < xs.Count; off += xs[i].Shape[ax] * inner, i++)
        {
            offsets[i] = off;
            int block = xs[i].Shape[ax] * inner;
            first.Backend.CopyBlocks(xs[i].Data, 0, block, y.Data, off, total * inner, outer, block, accumulate: false);
        }
        var inputs = xs.ToArray();
        return Tape.Record(y, inputs, dy =>
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                if (!inputs[i].RequiresGrad) continue;
                int block = inputs[i].Shape[ax] * inner;
                first.Backend.CopyBlocks(dy.Data, offsets[i], total * inner, inputs[i].GradBuffer(), 0, block, outer, block, accumulate: true);
            }
        });
    }
}
