using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout: in training, y = x ⊙ m with m = 1/(1 − p) kept with probability 1 − p, else 0, drawn from
    /// <paramref name="rng"/> (host side, so runs are reproducible); at inference (or p = 0) y = x. Any shape.
    /// Backward: dx += dy ⊙ m.
    /// </summary>
    public static Tensor Dropout(Tensor x, float p, Rng rng, bool training)
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1)");
        if (!training || p == 0) return x;
        var mask = Memory.BufferScope.HostFloats(x.Length, zeroed: false);
        float keep = 1f / (1f - p);
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < p ? 0f : keep;
        var m = Tensor.From(mask, x.Shape, x.Backend);
        var plan = BroadcastPlan.Create(x.Shape, x.Shape);
        var y = OpSupport.Output(x.Backend, x.Shape);
        x.Backend.Binary(BinaryOp.Mul, plan, x.Data, m.Data, y.Data);
        return Tape.Record(y, [x], dy =>
        {
            var g = x.GradBuffer();
            var masked = OpSupport.Scratch(x.Backend, x.Length);
            x.Backend.Binary(BinaryOp.Mul, plan, dy.Data, m.Data, masked);
            x.Backend.Binary(BinaryOp.Add, plan, g, masked, g);
            OpSupport.Release(masked);
        });
    }
}
