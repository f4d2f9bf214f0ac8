using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Maximum over <paramref name="axis"/>: x [.., A, ..] → [.., ..] (or keepDim). An empty axis gives 0.
    /// Backward: the gradient goes to the first arg-max only (dx[argmax] += dy), as PyTorch's max(dim).
    /// </summary>
    public static Tensor Max(Tensor x, int axis, bool keepDim = false) => ReduceAxis("Max", ReduceOp.Max, x, axis, keepDim);
}
