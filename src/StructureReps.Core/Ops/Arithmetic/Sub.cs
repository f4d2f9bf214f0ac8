using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>c = a − b with broadcasting. Backward: da += Σ dc, db −= Σ dc.</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        var (c, _) = OpSupport.Broadcast("Sub", BinaryOp.Sub, a, b);
        return Tape.Record(c, [a, b], dc =>
        {
            if (a.RequiresGrad) OpSupport.AccumulateBroadcastGrad(a, dc.Data, c.Shape);
            if (b.RequiresGrad)
            {
                var neg = OpSupport.Scratch(c.Backend, c.Length);
                c.Backend.Map<ScaleFunction>(-1f, dc.Data, neg, c.Length);
                OpSupport.AccumulateBroadcastGrad(b, neg, c.Shape);
                OpSupport.Release(neg);
            }
        });
    }
}
