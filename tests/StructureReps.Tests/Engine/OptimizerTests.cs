using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Core.Backends.Reference;
using StructureReps.Nn.Optim;
using Xunit;

namespace StructureReps.Tests.Engine;

/// <summary>Optimizer updates against PyTorch's formulas written out by hand, on every CPU backend and composed from primitives.</summary>
public sealed class OptimizerTests
{
    public static IEnumerable<object[]> Backends =>
    [
        [ReferenceBackend.Instance], [CpuBackend.Default], [new CpuBackend(useNativeBlas: false)],
        [new StructureReps.Tests.Support.PrimitivesOnlyBackend(CpuBackend.Default)], // the composed update
    ];

    private static Tensor Param(IBackend be, float value, float grad)
    {
        var p = Tensor.From([value], [1], be);
        p.RequiresGrad = true;
        Ops.Scale(p, grad).Backward(Tensor.From([1f], [1], be)); // grad = d(grad·p)/dp
        return p;
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Sgd_with_momentum_and_weight_decay(IBackend be)
    {
        var p = Param(be, 1f, 0.5f);
        var opt = new Sgd([p], lr: 0.1f, momentum: 0.9f, weightDecay: 0.01f);
        opt.Step();                 // d = 0.5 + 0.01·1 = 0.51; buf = 0.51; p = 1 − 0.051 = 0.949
        Assert.Equal(0.949, p.Item(), 6);
        opt.Step();                 // d = 0.5 + 0.00949 = 0.50949; buf = 0.9·0.51 + 0.50949 = 0.96849; p = 0.949 − 0.096849
        Assert.Equal(0.852151, p.Item(), 5);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Adam_first_steps_move_by_lr_times_sign(IBackend be)
    {
        var p = Param(be, 1f, -2f);
        var opt = new Adam([p], lr: 0.01f);
        opt.Step();                 // m̂ = g, v̂ = g² → step = lr·g/|g| = −0.01 → p = 1.01
        Assert.Equal(1.01, p.Item(), 5);
        opt.Step();                 // same gradient: m̂ = g, v̂ = g² again → p = 1.02
        Assert.Equal(1.02, p.Item(), 5);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AdamW_decays_weights_decoupled_from_the_gradient(IBackend be)
    {
        var p = Param(be, 2f, 0f);
        var opt = Adam.W([p], lr: 0.1f, weightDecay: 0.5f);
        opt.Step();                 // p ← p·(1 − lr·wd) = 2·0.95 = 1.9; the zero gradient moves nothing
        Assert.Equal(1.9, p.Item(), 6);
    }
}
