using System.Runtime.Intrinsics;
using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Engine;

/// <summary>
/// The CPU backend's two convolution paths: the direct kernels (the conformance suite checks them on every Conv2d
/// case) and im2col + GEMM, which stays for the shapes direct declines and must stay right; which path a shape
/// takes; and the direct weight gradient's independence of the thread count.
/// </summary>
public sealed class DirectConvTests
{
    private static readonly CpuBackend Im2col = new(directConvolution: false);
    private static readonly CpuBackend Im2colManaged = new(useNativeBlas: false, directConvolution: false);

    [Theory]
    [MemberData(nameof(OpCases.ConvNames), MemberType = typeof(OpCases))]
    public void Im2col_path_matches_reference(string op)
    {
        ConformanceTests.MatchesReference(Im2col, op);
        ConformanceTests.MatchesReference(Im2colManaged, op);
    }

    [Theory]
    [MemberData(nameof(OpCases.ConvNames), MemberType = typeof(OpCases))]
    public void Vector512_kernels_match_reference_on_any_machine(string op)
    {
        ConformanceTests.MatchesReference(Wide, op);
        ConformanceTests.IsRepeatable(Wide, op);
    }

    private static readonly CpuBackend Wide = new() { ForcedLaneBits = 512 };

    [Fact]
    public void Zoo_layers_take_the_direct_kernels_and_wide_layers_the_native_gemm()
    {
        // Without SIMD every shape is im2col's (Im2col_path_matches_reference covers it).
        bool simd = Vector256.IsHardwareAccelerated || Vector512.IsHardwareAccelerated;
        var be = CpuBackend.Default;
        Assert.Equal(simd, be.SupportsDirectConv2d(new ConvShape(64, 3, 32, 32, 3, 3, 1, 1, 1, 1), 16));
        Assert.Equal(simd, be.SupportsDirectConv2d(new ConvShape(64, 16, 13, 13, 3, 3, 2, 2, 0, 0), 16));
        Assert.Equal(simd, be.SupportsDirectConv2d(new ConvShape(64, 32, 8, 8, 3, 3, 1, 1, 1, 1), 32));
        Assert.False(be.SupportsDirectConv2d(new ConvShape(8, 3, 9, 9, 3, 3, 1, 1, 3, 3), 4)); // padding ≥ kernel
        Assert.False(Im2col.SupportsDirectConv2d(new ConvShape(64, 3, 32, 32, 3, 3, 1, 1, 1, 1), 16));
        var wide = new ConvShape(8, 64, 32, 32, 3, 3, 1, 1, 1, 1);
        Assert.Equal(simd && !be.UsesNativeBlas, be.SupportsDirectConv2d(wide, 64));
        Assert.Equal(simd, new CpuBackend(useNativeBlas: false).SupportsDirectConv2d(wide, 64));
    }

    [Fact]
    public void Ilgpu_takes_direct_kernels_for_large_convolutions_and_im2col_for_small_ones()
    {
        // Both paths run in the ILGPU conformance suite: its Conv2d cases fall on either side of the threshold.
        var ilgpu = StructureReps.Backends.Ilgpu.IlgpuDevices.Get(StructureReps.Backends.Ilgpu.IlgpuDeviceKind.Cpu);
        Assert.True(ilgpu.SupportsDirectConv2d(new ConvShape(2, 16, 16, 16, 3, 3, 1, 1, 1, 1), 32)); // cifar-2 case: 144 × 512
        Assert.False(ilgpu.SupportsDirectConv2d(new ConvShape(2, 3, 5, 5, 3, 3, 1, 1, 1, 1), 4));   // 27 × 50
    }

    [Fact]
    public void Direct_gradients_have_the_same_bits_on_one_thread_and_on_all()
    {
        var c = OpCases.All["Conv2d[2,16,16,16;3x3,p1,O32] cifar-2"];
        int saved = Parallelism.Workers;
        try
        {
            Parallelism.Workers = 1;
            var (y1, g1) = Numerics.Run(c, CpuBackend.Default);
            Parallelism.Workers = Environment.ProcessorCount;
            var (y2, g2) = Numerics.Run(c, CpuBackend.Default);
            Assert.Equal(y1, y2);
            for (int k = 0; k < g1.Length; k++) Assert.Equal(g1[k], g2[k]);
        }
        finally
        {
            Parallelism.Workers = saved;
        }
    }
}
