using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>c = a ⊙ b with broadcasting. Backward: da += Σ dc ⊙ b, db += Σ dc ⊙ a.</summary>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        var (c, _) = OpSupport.Broadcast("Mul", BinaryOp.Mul, a, b);
        return Tape.Record(c, [a, b], dc =>
        {
            var be = c.Backend;
            if (a.RequiresGrad)
            {
                var g = OpSupport.Combine(be, BinaryOp.Mul, dc.Data, c.Shape, b.Data, b.Shape);
                OpSupport.AccumulateBroadcastGrad(a, g, c.Shape);
                OpSupport.Release(g);
            }
            if (b.RequiresGrad)
            {
                var g = OpSupport.Combine(be, BinaryOp.Mul, dc.Data, c.Shape, a.Data, a.Shape);
                OpSupport.AccumulateBroadcastGrad(b, g, c.Shape);
                OpSupport.Release(g);
            }
        });
    }
}
