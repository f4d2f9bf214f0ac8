using StructureReps.Backends.Cpu;
using StructureReps.Backends.Cpu.Gemm;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Engine;

public sealed class GemmTests
{
    [Fact]
    public void Hand_computed_product_on_every_cpu_backend()
    {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        foreach (IBackend be in new IBackend[] { Core.Backends.Reference.ReferenceBackend.Instance, CpuBackend.Default, new CpuBackend(false) })
        {
            var c = Ops.MatMul(Tensor.From([1, 2, 3, 4, 5, 6], [2, 3], be), Tensor.From([7, 8, 9, 10, 11, 12], [3, 2], be));
            Assert.Equal([58f, 64f, 139f, 154f], c.ToArray());
        }
    }

    [Fact]
    public void Beta_zero_ignores_garbage_in_C_and_beta_one_accumulates()
    {
        var be = new CpuBackend(useNativeBlas: false);
        var a = Tensor.From(new Rng(1).UniformArray(70 * 50, -1, 1), [70, 50], be);
        var b = Tensor.From(new Rng(2).UniformArray(50 * 40, -1, 1), [50, 40], be);
        var c = Tensor.Full([70, 40], float.NaN, be);
        be.Gemm(new GemmShape(false, false, 70, 40, 50), 1f, a.Data, b.Data, 0f, c.Data);
        var once = c.ToArray();
        Assert.DoesNotContain(once, float.IsNaN);
        be.Gemm(new GemmShape(false, false, 70, 40, 50), 1f, a.Data, b.Data, 1f, c.Data);
        Numerics.AssertClose(once.Select(v => 2.0 * v).ToArray(), c.ToDoubleArray(), 1e-6, 1e-6, "beta = 1");
    }

    [NativeBlasFact]
    public void Native_blas_is_loaded_and_agrees_with_managed_gemm()
    {
        Assert.StartsWith(NativeBlas.Provider.Split(' ')[0], CpuBackend.Default.GemmProvider);
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 33, 129), (256, 256, 256), (300, 5, 1000) })
        {
            var native = CpuBackend.Default;
            var managed = new CpuBackend(useNativeBlas: false);
            var av = new Rng(3).UniformArray(m * k, -1, 1);
            var bv = new Rng(4).UniformArray(k * n, -1, 1);
            var x = Ops.MatMul(Tensor.From(av, [m, k], native), Tensor.From(bv, [k, n], native), transB: false).ToDoubleArray();
            var y = Ops.MatMul(Tensor.From(av, [m, k], managed), Tensor.From(bv, [k, n], managed)).ToDoubleArray();
            Numerics.AssertClose(x, y, 1e-4, 1e-5, $"native vs managed {m}x{n}x{k}");
        }
    }
}
