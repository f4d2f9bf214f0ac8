using BenchmarkDotNet.Attributes;
using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Core.Memory;

namespace StructureReps.Benchmarks;

/// <summary>
/// Conv2d forward + backward (x when it has channels to pass on, w, bias) on the zoos' layers and two larger
/// shapes, the CPU backend's direct kernels against its im2col + GEMM path (native BLAS and managed), side by side.
/// Each step runs in a buffer scope, as a training step does.
/// </summary>
public class Conv2dBenchmarks
{
    /// <summary>name → batch, in channels, side, out channels, kernel, stride, padding.</summary>
    public static readonly Dictionary<string, (int B, int C, int H, int O, int K, int S, int P)> Shapes = new()
    {
        ["cifar-1 3→16 32²"] = (64, 3, 32, 16, 3, 1, 1),
        ["cifar-2 16→32 16²"] = (64, 16, 16, 32, 3, 1, 1),
        ["cifar-3 32→32 8²"] = (64, 32, 8, 32, 3, 1, 1),
        ["fashion-2 16→16 13² s2"] = (64, 16, 13, 16, 3, 2, 0),
        ["peer 16→16 32²"] = (32, 16, 32, 16, 3, 1, 1),
        ["64→64 32²"] = (32, 64, 32, 64, 3, 1, 1),
    };

    [ParamsSource(nameof(ShapeNames))]
    public string Shape { get; set; } = "";

    public static IEnumerable<string> ShapeNames => Shapes.Keys;

    private (Tensor X, Tensor W, Tensor Bias) _direct, _gemm, _managed;
    private int _stride, _padding;

    [GlobalSetup]
    public void Setup()
    {
        var s = Shapes[Shape];
        (_stride, _padding) = (s.S, s.P);
        _direct = Inputs(new CpuBackend(), s);
        _gemm = Inputs(new CpuBackend(directConvolution: false), s);
        _managed = Inputs(new CpuBackend(useNativeBlas: false, directConvolution: false), s);
    }

    private static (Tensor, Tensor, Tensor) Inputs(CpuBackend be, (int B, int C, int H, int O, int K, int S, int P) s)
    {
        var rng = new Rng(2);
        var x = Tensor.From(rng.UniformArray(s.B * s.C * s.H * s.H, -1, 1), [s.B, s.C, s.H, s.H], be);
        var w = Tensor.From(rng.UniformArray(s.O * s.C * s.K * s.K, -0.3, 0.3), [s.O, s.C, s.K, s.K], be);
        var b = Tensor.From(rng.UniformArray(s.O, -0.3, 0.3), [s.O], be);
        x.RequiresGrad = s.C > 3; // a network's first layer has no input gradient to pass on
        w.RequiresGrad = b.RequiresGrad = true;
        return (x, w, b);
    }

    private void Step((Tensor X, Tensor W, Tensor Bias) t)
    {
        using var scope = BufferScope.Begin();
        var y = Ops.Conv2d(t.X, t.W, t.Bias, _stride, _padding);
        y.Backward(Tensor.Full(y.Shape, 1f, y.Backend));
        if (t.X.RequiresGrad) t.X.ZeroGrad();
        t.W.ZeroGrad();
        t.Bias.ZeroGrad();
    }

    [Benchmark(Baseline = true, Description = "cpu-simd default (direct where chosen)")]
    public void Direct() => Step(_direct);

    [Benchmark(Description = "im2col + native GEMM")]
    public void Im2colNative() => Step(_gemm);

    [Benchmark(Description = "im2col + managed GEMM")]
    public void Im2colManaged() => Step(_managed);
}
