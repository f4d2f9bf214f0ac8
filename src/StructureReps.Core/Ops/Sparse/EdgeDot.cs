using StructureReps.Core.Backends;
using StructureReps.Core.Autodiff;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Per-edge, per-head dot products of gathered rows (attention scores ⟨q_i, k_j⟩ without materializing the
    /// gathered rows; a sampled dense × dense product): a [Na, H·C], b [Nb, H·C], ia and ib [E] → [E, H] with
    /// <code>s[e, h] = Σ_c a[ia[e], h, c] · b[ib[e], h, c]</code>
    /// Backward: da[i, h, :] += Σ_{e: ia[e] = i} ds[e, h] · b[ib[e], h, :] and db likewise over ib's CSR
    /// (<see cref="WeightedAggregate"/>'s primitive).
    /// </summary>
    public static Tensor EdgeDot(Tensor a, IndexTensor ia, Tensor b, IndexTensor ib, int heads = 1)
    {
        Shapes.SameBackend("EdgeDot", a, b);
        Shapes.Rank("EdgeDot", "a", a, 2);
        Shapes.Rank("EdgeDot", "b", b, 2);
        int e = ia.Length, width = a.Shape[1];
        if (ib.Length != e) throw new ShapeMismatchException($"EdgeDot: ia has {e} entries, ib {ib.Length}");
        if (b.Shape[1] != width)
            throw new ShapeMismatchException($"EdgeDot: rows differ in width: a {Shapes.Format(a.Shape)}, b {Shapes.Format(b.Shape)}");
        if (heads < 1 || width % heads != 0)
            throw new ShapeMismatchException($"EdgeDot: {width} columns do not split into {heads} heads");
        int channels = width / heads;
        var segA = ia.Segments(a.Shape[0]); // validate the ranges; the backward's CSRs
        var segB = ib.Segments(b.Shape[0]);
        var be = a.Backend;
        var y = OpSupport.Output(be, [e, heads]);
        be.EdgeDot(a.Data, ia.On(be), b.Data, ib.On(be), e, heads, channels, y.Data, accumulate: false);
        return Tape.Record(y, [a, b], dy =>
        {
            if (a.RequiresGrad)
                be.SegmentWeightedSum(b.Data, heads, channels, ib.On(be), dy.Data, segA, a.GradBuffer(), accumulate: true);
            if (b.RequiresGrad)
                be.SegmentWeightedSum(a.Data, heads, channels, ia.On(be), dy.Data, segB, b.GradBuffer(), accumulate: true);
        });
    }
}
