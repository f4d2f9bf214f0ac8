using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>c = a / b with broadcasting. Backward: da += Σ dc / b, db −= Σ dc ⊙ c / b.</summary>
    public static Tensor Div(Tensor a, Tensor b)
    {
        var (c, _) = OpSupport.Broadcast("Div", BinaryOp.Div, a, b);
        return Tape.Record(c, [a, b], dc =>
        {
            var be = c.Backend;
            var dcOverB = OpSupport.Combine(be, BinaryOp.Div, dc.Data, c.Shape, b.Data, b.Shape);
            if (a.RequiresGrad) OpSupport.AccumulateBroadcastGrad(a, dcOverB, c.Shape);
            if (b.RequiresGrad)
            {
                var g = OpSupport.Combine(be, BinaryOp.Mul, dcOverB, c.Shape, c.Data, c.Shape);
                be.Map<ScaleFunction>(-1f, g, g, c.Length);
                OpSupport.AccumulateBroadcastGrad(b, g, c.Shape);
                OpSupport.Release(g);
            }
            OpSupport.Release(dcOverB);
        });
    }
}
