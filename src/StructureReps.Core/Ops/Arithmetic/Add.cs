using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// c = a + b with NumPy broadcasting: shapes aligned from the right, each axis equal or 1.
    /// Backward: da += Σ_broadcast dc, db += Σ_broadcast dc.
    /// </summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var (c, _) = OpSupport.Broadcast("Add", BinaryOp.Add, a, b);
        return Tape.Record(c, [a, b], dc =>
        {
            if (a.RequiresGrad) OpSupport.AccumulateBroadcastGrad(a, dc.Data, c.Shape);
            if (b.RequiresGrad) OpSupport.AccumulateBroadcastGrad(b, dc.Data, c.Shape);
        });
    }
}

public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Sub(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Mul(a, b);
    public static Tensor operator /(Tensor a, Tensor b) => Ops.Div(a, b);
    public static Tensor operator *(Tensor a, float s) => Ops.Scale(a, s);
    public static Tensor operator -(Tensor a) => Ops.Scale(a, -1f);
}
