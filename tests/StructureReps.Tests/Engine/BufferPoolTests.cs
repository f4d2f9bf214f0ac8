using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Core.Backends.Reference;
using StructureReps.Core.Memory;
using StructureReps.Nn.Modules;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Engine;

/// <summary>Pooled buffers: lifetimes, what survives a scope, and that nothing freed is ever read.</summary>
public sealed class BufferPoolTests
{
    public static IEnumerable<object[]> HostBackends => [[ReferenceBackend.Instance], [new CpuBackend()]];

    [Theory]
    [MemberData(nameof(HostBackends))]
    public void A_tensor_used_after_its_scope_throws_instead_of_reading_reused_memory(IBackend be)
    {
        Tensor t;
        using (BufferScope.Begin()) t = Tensor.From([1f, 2f, 3f], [3], be);
        Assert.True(t.Data.IsReleased);
        var e = Assert.Throws<InvalidOperationException>(() => t.ToArray());
        Assert.Contains("returned to the pool", e.Message);
    }

    [Theory]
    [MemberData(nameof(HostBackends))]
    public void Kept_tensors_and_parameters_made_inside_a_scope_outlive_it(IBackend be)
    {
        Tensor kept;
        Linear layer;
        using (BufferScope.Begin())
        {
            kept = BufferScope.Keep(Ops.Scale(Tensor.From([1f, 2f], [2], be), 3f));
            layer = new Linear(2, 3, new Rng(1), backend: be);
        }
        Assert.Equal([3f, 6f], kept.ToArray());
        Assert.Equal(6, layer.Weight.ToArray().Length);
        Assert.False(layer.Weight.Data.IsReleased);
    }

    [Theory]
    [MemberData(nameof(HostBackends))]
    public void Backward_returns_interior_gradients_and_keeps_leaf_gradients(IBackend be)
    {
        var w = Tensor.From([0.5f, -1f, 2f], [3], be);
        w.RequiresGrad = true;
        using var scope = BufferScope.Begin();
        var hidden = Ops.Tanh(w);
        var loss = Ops.SumAll(Ops.Mul(hidden, hidden));
        loss.Backward();
        Assert.Null(hidden.Grad);
        Assert.NotNull(w.Grad);
        Assert.False(w.Grad!.Data.IsReleased); // a parameter's gradient is never the tape's to free
        Assert.False(hidden.Data.IsReleased); // activations live until the scope ends: the caller may read them
    }

    [Fact]
    public void A_step_in_a_scope_reuses_the_previous_steps_buffers()
    {
        var be = new CpuBackend();
        var w = Tensor.From(new Rng(3).NormalArray(256 * 256), [256, 256], be);
        w.RequiresGrad = true;
        var x = Tensor.From(new Rng(4).NormalArray(256 * 256), [256, 256], be);
        void Step()
        {
            using var _ = BufferScope.Begin();
            Ops.SumAll(Ops.Relu(Ops.MatMul(x, w))).Backward();
        }
        Step();
        long pooled = be.PooledBytes;
        Assert.True(pooled >= 2 * 256 * 256 * 4, $"the first step's buffers went back to the pool ({pooled} bytes)");
        long before = GC.GetAllocatedBytesForCurrentThread();
        Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 32 * 1024, $"a repeated step allocated {allocated} bytes (one 256×256 activation is 262,144)");
        Assert.Equal(pooled, be.PooledBytes);
    }

    [Fact]
    public void A_zeroed_rent_is_zero_even_when_the_array_held_other_values()
    {
        var be = new CpuBackend();
        var dirty = be.Rent(1000, zeroed: false);
        dirty.Write(Enumerable.Repeat(7f, 1000).ToArray());
        be.Return(dirty);
        be.Return(dirty); // a second return is ignored, never pooled twice
        var clean = be.Rent(1000, zeroed: true);
        var values = new float[1000];
        clean.Read(values);
        Assert.All(values, v => Assert.Equal(0f, v));
        var other = be.Rent(1000, zeroed: false);
        Assert.NotSame(((CpuBuffer)clean).Data, ((CpuBuffer)other).Data);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1000)]
    [InlineData(1 << 20)]
    [InlineData((1 << 20) + 1)]
    [InlineData(123_456_789)]
    public void Size_classes_hold_the_request_with_at_most_a_quarter_to_spare(int length)
    {
        int size = SizeClassPool<float>.ClassSize(length);
        Assert.True(size >= length);
        Assert.True(size <= Math.Max(64, length * 1.25 + 1), $"class {size} for {length}");
    }

    /// <summary>
    /// Poison mode (freed buffers become NaN and are not reused, unzeroed rents start as NaN) over the whole op
    /// table: the gradient checks on the reference backend and the CPU backend against it, each case inside a
    /// scope. An op that reads a freed buffer, or leaves part of an output it claims to overwrite, fails here.
    /// </summary>
    [Fact]
    public void The_op_table_passes_with_freed_and_unwritten_memory_poisoned()
    {
        bool was = PoolDiagnostics.Poison;
        PoolDiagnostics.Poison = true;
        try
        {
            foreach (var c in OpCases.All.Values)
            {
                using var scope = BufferScope.Begin();
                if (c.GradCheck) Numerics.GradCheck(c);
                ConformanceTests.MatchesReference(new CpuBackend(), c.Name);
            }
        }
        finally
        {
            PoolDiagnostics.Poison = was;
        }
    }
}
