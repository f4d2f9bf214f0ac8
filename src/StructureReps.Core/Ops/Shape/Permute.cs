using StructureReps.Core.Autodiff;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Reorders axes: y's axis d is x's axis perm[d] (a copy). Backward: dx += dy permuted by the inverse.
    /// </summary>
    public static Tensor Permute(Tensor x, params int[] perm)
    {
        if (perm.Length != x.Rank || perm.Distinct().Count() != x.Rank || perm.Any(p => p < 0 || p >= x.Rank))
            throw new ShapeMismatchException($"Permute: {Shapes.Format(perm)} is not a permutation of the {x.Rank} axes of {Shapes.Format(x.Shape)}");
        var shape = perm.Select(p => x.Shape[p]).ToArray();
        var y = OpSupport.Output(x.Backend, shape);
        x.Backend.Permute(x.Data, x.Shape, perm, y.Data, accumulate: false);
        var inverse = new int[perm.Length];
        for (int d = 0; d < perm.Length; d++) inverse[perm[d]] = d;
        return Tape.Record(y, [x], dy => x.Backend.Permute(dy.Data, shape, inverse, x.GradBuffer(), accumulate: true));
    }

    /// <summary>Swaps two axes (default: the last two, a matrix transpose). See <see cref="Permute"/>.</summary>
    public static Tensor Transpose(Tensor x, int axis0 = -2, int axis1 = -1)
    {
        int a0 = Shapes.NormalizeAxis("Transpose", axis0, x.Rank), a1 = Shapes.NormalizeAxis("Transpose", axis1, x.Rank);
        var perm = Enumerable.Range(0, x.Rank).ToArray();
        (perm[a0], perm[a1]) = (perm[a1], perm[a0]);
        return Permute(x, perm);
    }
}
