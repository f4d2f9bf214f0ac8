using StructureReps.Core.Backends;
using StructureReps.Core.Autodiff;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Attention-weighted message aggregation without materializing the messages (PyG's
    /// <c>scatter(α · x_j, index=target)</c>, a sparse × dense product):
    /// x [N, H·C], weights [E, H] (or [E] for one head), source and target [E] → [count, H·C] with
    /// <code>out[i, h, :] = Σ_{e: target[e] = i} weights[e, h] · x[source[e], h, :]</code>
    /// Backward: dx[j, h, :] += Σ_{e: source[e] = j} weights[e, h] · dy[target[e], h, :] (the same primitive over
    /// source's CSR), dweights[e, h] += ⟨dy[target[e], h, :], x[source[e], h, :]⟩ (<see cref="EdgeDot"/>'s primitive).
    /// Memory is O(N·H·C + E·H) where the composed gather-multiply-scatter needs O(E·H·C).
    /// </summary>
    public static Tensor WeightedAggregate(Tensor x, Tensor weights, IndexTensor source, IndexTensor target, int count)
    {
        Shapes.SameBackend("WeightedAggregate", x, weights);
        Shapes.Rank("WeightedAggregate", "x", x, 2);
        int e = source.Length, n = x.Shape[0], width = x.Shape[1];
        if (target.Length != e)
            throw new ShapeMismatchException($"WeightedAggregate: source has {e} edges, target {target.Length}");
        if (weights.Rank is < 1 or > 2 || weights.Shape[0] != e)
            throw new ShapeMismatchException($"WeightedAggregate: weights must be [E] or [E, H] with E = {e}, got {Shapes.Format(weights.Shape)}");
        int heads = weights.Rank == 2 ? weights.Shape[1] : 1;
        if (heads == 0 || width % heads != 0)
            throw new ShapeMismatchException($"WeightedAggregate: x's {width} columns do not split into {heads} heads (weights {Shapes.Format(weights.Shape)})");
        int channels = width / heads;
        var toTarget = target.Segments(count); // validates target ∈ [0, count)
        var fromSource = source.Segments(n);   // validates source ∈ [0, N); the backward's reverse CSR
        var be = x.Backend;
        var y = OpSupport.Output(be, [count, width]);
        be.SegmentWeightedSum(x.Data, heads, channels, source.On(be), weights.Data, toTarget, y.Data, accumulate: false);
        return Tape.Record(y, [x, weights], dy =>
        {
            if (x.RequiresGrad)
                be.SegmentWeightedSum(dy.Data, heads, channels, target.On(be), weights.Data, fromSource, x.GradBuffer(), accumulate: true);
            if (weights.RequiresGrad)
                be.EdgeDot(dy.Data, target.On(be), x.Data, source.On(be), e, heads, channels, weights.GradBuffer(), accumulate: true);
        });
    }
}
