using StructureReps.Core;
using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends.Reference;
using Xunit;

namespace StructureReps.Tests.Engine;

public sealed class TapeTests
{
    private static readonly ReferenceBackend R = ReferenceBackend.Instance;

    private static Tensor Leaf(params float[] values)
    {
        var t = Tensor.From(values, [values.Length], R);
        t.RequiresGrad = true;
        return t;
    }

    [Fact]
    public void Parameter_gradients_accumulate_across_backward_calls_until_zeroed()
    {
        var x = Leaf(1, 2, 3);
        Ops.SumAll(Ops.Square(x)).Backward();
        Assert.Equal([2f, 4f, 6f], x.Grad!.ToArray());
        Ops.SumAll(Ops.Scale(x, 3f)).Backward();
        Assert.Equal([5f, 7f, 9f], x.Grad!.ToArray()); // +=, as PyTorch
        x.ZeroGrad();
        Assert.Equal([0f, 0f, 0f], x.Grad!.ToArray());
    }

    [Fact]
    public void A_tensor_used_twice_receives_both_contributions()
    {
        var x = Leaf(3);
        var y = Ops.Mul(x, Ops.Add(x, x)); // y = 2x², dy/dx = 4x
        y.Backward(Tensor.From([1f], [1], R));
        Assert.Equal(12f, x.Grad!.Item());
    }

    [Fact]
    public void NoGrad_records_nothing_and_restores_on_dispose()
    {
        var x = Leaf(1, 2);
        using (Tape.NoGrad())
        {
            Assert.False(Tape.IsRecording);
            Assert.False(Ops.Relu(x).RequiresGrad);
        }
        Assert.True(Tape.IsRecording);
        Assert.True(Ops.Relu(x).RequiresGrad);
    }

    [Fact]
    public void Interior_gradients_are_freed_unless_retained()
    {
        var x = Leaf(1, 2);
        var h = Ops.Scale(x, 2f);
        var kept = Ops.Exp(x);
        kept.RetainGrad = true;
        Ops.SumAll(Ops.Add(h, kept)).Backward();
        Assert.Null(h.Grad);
        Assert.Equal([1f, 1f], kept.Grad!.ToArray());
    }

    [Fact]
    public void Backward_needs_a_seed_for_non_scalars_and_a_graph()
    {
        var x = Leaf(1, 2);
        Assert.Contains("pass its gradient", Assert.Throws<InvalidOperationException>(() => Ops.Relu(x).Backward()).Message);
        var constant = Tensor.From([1f], [1], R);
        Assert.Contains("does not require a gradient", Assert.Throws<InvalidOperationException>(() => constant.Backward()).Message);
    }

    [Fact]
    public void Deep_chains_do_not_overflow_the_stack()
    {
        var x = Leaf(1);
        var y = x;
        for (int i = 0; i < 20000; i++) y = Ops.AddScalar(y, 0f);
        y.Backward(Tensor.From([1f], [1], R));
        Assert.Equal(1f, x.Grad!.Item());
    }

    [Fact]
    public void Dropout_is_identity_at_inference_and_scales_kept_units_in_training()
    {
        var x = Tensor.Full([1000], 1f, R);
        Assert.Same(x, Ops.Dropout(x, 0.5f, new Rng(1), training: false));
        var y = Ops.Dropout(x, 0.5f, new Rng(1), training: true).ToArray();
        Assert.All(y, v => Assert.True(v == 0f || v == 2f));
        Assert.InRange(y.Count(v => v == 0f), 430, 570);
    }

    [Fact]
    public void Rng_streams_are_pinned_and_reproducible()
    {
        var a = new Rng(42);
        var b = new Rng(42);
        var first = Enumerable.Range(0, 4).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 4).Select(_ => b.NextUInt64()).ToArray());
        // Pinned: a change to the generator would silently change every seeded run.
        Assert.Equal(first[0], new Rng(42).NextUInt64());
        var normals = new Rng(7).NormalArray(20000);
        Assert.InRange(normals.Average(), -0.03, 0.03);
        Assert.InRange(Math.Sqrt(normals.Select(v => v * (double)v).Average()), 0.97, 1.03);
        Assert.NotEqual(Rng.Derive(1, 0).NextUInt64(), Rng.Derive(1, 1).NextUInt64());
    }
}
