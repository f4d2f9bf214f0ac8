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

    /// <summary>The AVX2 kernels (8 lanes, 6-pixel tiles) even on an AVX-512 machine, which would take the others.</summary>
    [Theory]
    [MemberData(nameof(OpCases.ConvNames), MemberType = typeof(OpCases))]
    public void Vector256_kernels_match_reference_on_any_machine(string op)
    {
        ConformanceTests.MatchesReference(Narrow, op);
        ConformanceTests.IsRepeatable(Narrow, op);
    }

    private static readonly CpuBackend Narrow = new() { ForcedLaneBits = 256 };

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

    [Theory]
    [InlineData("Conv2d[2,16,16,16;3x3,p1,O32] cifar-2")]
    [InlineData("Conv2dRelu[9,16,13,13;3x3,s2,O16] fashion-2, 3 image groups")]
    [InlineData("Conv2d[10,8,12,12;3x3,p1,O16] 3 image groups")]
    public void Direct_gradients_have_the_same_bits_on_one_thread_and_on_all(string name)
    {
        var c = OpCases.All[name];
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
    /// <summary>
    /// The one-job backward (<see cref="IDirectConv2d.Conv2dBackward"/>) against the two separate calls, and against
    /// the interface's composed default: the same bits for dx, dw and dbias, with and without the fused ReLU's mask,
    /// at stride 1 with padding and at stride 2 with a partial image group.
    /// </summary>
    [Theory]
    [InlineData(9, 16, 13, 13, 16, 2, 0, true)]
    [InlineData(6, 3, 10, 9, 8, 1, 1, false)]
    [InlineData(1, 2, 7, 6, 3, 2, 1, true)]
    public void One_job_backward_equals_the_separate_passes(int batch, int channels, int h, int w, int outCh, int stride,
        int pad, bool relu)
    {
        var be = CpuBackend.Default;
        var rng = new Rng(5);
        var s = new ConvShape(batch, channels, h, w, 3, 3, stride, stride, pad, pad);
        int xLength = batch * channels * h * w, wLength = outCh * channels * 9;
        int yLength = batch * outCh * s.OutH * s.OutW;
        DeviceBuffer Random(int n)
        {
            var b = be.Allocate(n);
            b.Write(rng.UniformArray(n, -1, 1));
            return b;
        }
        float[] Read(DeviceBuffer b, int n)
        {
            var values = new float[n];
            b.Read(values);
            return values;
        }
        var (x, weight, dy) = (Random(xLength), Random(wLength), Random(yLength));
        var mask = relu ? Random(yLength) : null;
        (float[] Dx, float[] Dw, float[] Db) Run(Action<DeviceBuffer, DeviceBuffer, DeviceBuffer> backward)
        {
            var (dx, dw, db) = (be.Allocate(xLength), be.Allocate(wLength), be.Allocate(outCh));
            backward(dx, dw, db);
            return (Read(dx, xLength), Read(dw, wLength), Read(db, outCh));
        }

        var oneJob = Run((dx, dw, db) => be.Conv2dBackward(dy, x, weight, s, outCh, dx, dw, db, mask));
        var separate = Run((dx, dw, db) =>
        {
            be.Conv2dBackwardInput(dy, weight, s, outCh, dx, mask);
            be.Conv2dBackwardWeight(dy, x, s, outCh, dw, db, mask);
        });
        IDirectConv2d composed = new ComposedDefault(be);
        var byDefault = Run((dx, dw, db) => composed.Conv2dBackward(dy, x, weight, s, outCh, dx, dw, db, mask));

        foreach (var other in new[] { separate, byDefault })
        {
            Assert.Equal(other.Dx, oneJob.Dx);
            Assert.Equal(other.Dw, oneJob.Dw);
            Assert.Equal(other.Db, oneJob.Db);
        }
        Assert.Contains(oneJob.Dx, v => v != 0);
        Assert.Contains(oneJob.Dw, v => v != 0);
    }

    /// <summary>The CPU kernels behind the interface's default Conv2dBackward (the two separate calls).</summary>
    private sealed class ComposedDefault(CpuBackend be) : IDirectConv2d
    {
        public bool SupportsDirectConv2d(in ConvShape s, int outChannels) => be.SupportsDirectConv2d(s, outChannels);
        public void Conv2dForward(DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, in ConvShape s, int outChannels,
            DeviceBuffer y, bool relu) => be.Conv2dForward(x, w, bias, s, outChannels, y, relu);
        public void Conv2dBackwardInput(DeviceBuffer dy, DeviceBuffer w, in ConvShape s, int outChannels, DeviceBuffer dx,
            DeviceBuffer? reluOutput) => be.Conv2dBackwardInput(dy, w, s, outChannels, dx, reluOutput);
        public void Conv2dBackwardWeight(DeviceBuffer dy, DeviceBuffer x, in ConvShape s, int outChannels,
            DeviceBuffer? dw, DeviceBuffer? dbias, DeviceBuffer? reluOutput) =>
            be.Conv2dBackwardWeight(dy, x, s, outChannels, dw, dbias, reluOutput);
    }
}
