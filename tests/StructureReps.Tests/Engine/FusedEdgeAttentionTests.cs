using StructureReps.Core;
using StructureReps.Core.Backends.Reference;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Engine;

/// <summary>The fused Edge-Attention score equals the ops it replaces, value and every gradient.</summary>
public sealed class FusedEdgeAttentionTests
{
    [Theory]
    [InlineData(10, 1, 16, 16)]
    [InlineData(13, 9, 16, 16)]
    [InlineData(5, 3, 4, 2)]
    public void Fused_score_equals_the_composed_ops_to_1e12_on_the_reference_backend(int e, int d, int h, int p)
    {
        var be = ReferenceBackend.Instance;
        var rng = new Rng((ulong)(e * 1000 + d));
        Tensor[] Inputs()
        {
            var r = new Rng(7);
            int[][] shapes = [[e, d], [e, d], [h, d], [h], [p, h + 2 * d], [p], [p, 1]];
            return shapes.Select(s =>
            {
                var t = Tensor.FromDouble(Enumerable.Range(0, Shapes.Count(s)).Select(_ => r.NextDouble() * 2 - 1).ToArray(), s, be);
                t.RequiresGrad = true;
                return t;
            }).ToArray();
        }
        var seed = Tensor.FromDouble(Enumerable.Range(0, e).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), [e, 1], be);

        var a = Inputs();
        var fused = Ops.EdgeAttentionScore(a[0], a[1], a[2], a[3], a[4], a[5], a[6], 0.2f);
        fused.Backward(seed);

        var b = Inputs();
        var hidden = Ops.LeakyRelu(Ops.Linear(b[0], b[2], b[3]), 0.2f);
        var composed = Ops.LeakyRelu(Ops.MatMul(Ops.Linear(Ops.Concat([hidden, b[0], b[1]], 1), b[4], b[5]), b[6]), 0.2f);
        composed.Backward(seed);

        Numerics.AssertClose(composed.ToDoubleArray(), fused.ToDoubleArray(), 1e-12, 1e-12, "score");
        for (int k = 0; k < a.Length; k++)
            Numerics.AssertClose(b[k].Grad!.ToDoubleArray(), a[k].Grad!.ToDoubleArray(), 1e-12, 1e-12, $"gradient of input {k}");
    }
}
