using System.Reflection;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using StructureReps.Backends.Ilgpu;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Core.Backends.Reference;
using StructureReps.Kernels;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Ilgpu;

/// <summary>
/// The ILGPU kernels beyond what the op suite reaches: both GEMM versions on a hand-computed case and then
/// against the reference, the tree reduction, device selection, and every kernel compiled to CUDA PTX — which
/// needs no GPU, so the CUDA code path is at least compiled in CI.
/// </summary>
public sealed class IlgpuKernelTests
{
    private static IlgpuBackend Cpu => IlgpuDevices.Get(IlgpuDeviceKind.Cpu);

    private static DeviceBuffer Upload(IBackend be, float[] values)
    {
        var b = be.Allocate(values.Length);
        b.Write(values);
        return b;
    }

    private static float[] Download(DeviceBuffer b)
    {
        var v = new float[b.Length];
        b.Read(v);
        return v;
    }

    [Theory]
    [InlineData(GemmKernel.Naive)]
    [InlineData(GemmKernel.Tiled)]
    public void Gemm_matches_a_hand_computed_product(GemmKernel kernel)
    {
        // [1 2 3; 4 5 6]·[7 8; 9 10; 11 12] = [58 64; 139 154]; with α = 2 and β = 1 on C = 1: [117 129; 279 309].
        var be = Cpu;
        var a = Upload(be, [1, 2, 3, 4, 5, 6]);
        var b = Upload(be, [7, 8, 9, 10, 11, 12]);
        var c = Upload(be, [1, 1, 1, 1]);
        be.Gemm(kernel, new GemmShape(false, false, 2, 2, 3), 2f, a, b, 1f, c);
        Assert.Equal([117f, 129f, 279f, 309f], Download(c));
        // β = 0 must not read C: NaN there cannot leak into the result.
        var d = Upload(be, [float.NaN, float.NaN, float.NaN, float.NaN]);
        be.Gemm(kernel, new GemmShape(false, false, 2, 2, 3), 1f, a, b, 0f, d);
        Assert.Equal([58f, 64f, 139f, 154f], Download(d));
    }

    [Trait("Speed", "slow")]
    [Theory]
    [InlineData(GemmKernel.Naive, false, false)]
    [InlineData(GemmKernel.Naive, true, true)]
    [InlineData(GemmKernel.Tiled, false, false)]
    [InlineData(GemmKernel.Tiled, true, false)]
    [InlineData(GemmKernel.Tiled, false, true)]
    [InlineData(GemmKernel.Tiled, true, true)]
    public void Batched_gemm_with_offsets_and_a_shared_operand_matches_the_reference(GemmKernel kernel, bool ta, bool tb)
    {
        // 3 products of 37×29 by K = 53 (none a multiple of the tile), A batched with a gap, B shared (stride 0).
        const int m = 37, n = 29, k = 53, batch = 3, offA = 5, strideA = m * k + 3, offC = 2;
        var rng = new Rng(11);
        var aValues = Enumerable.Range(0, offA + batch * strideA).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        var bValues = Enumerable.Range(0, k * n).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        var cValues = Enumerable.Range(0, offC + batch * m * n).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        var shape = new GemmShape(ta, tb, m, n, k, batch, offA, strideA, 0, 0, offC, m * n);
        var expected = Upload(ReferenceBackend.Instance, cValues);
        ReferenceBackend.Instance.Gemm(shape, 0.5f, Upload(ReferenceBackend.Instance, aValues), Upload(ReferenceBackend.Instance, bValues), -1f, expected);
        var actual = Upload(Cpu, cValues);
        Cpu.Gemm(kernel, shape, 0.5f, Upload(Cpu, aValues), Upload(Cpu, bValues), -1f, actual);
        var want = new double[expected.Length];
        expected.ReadDouble(want);
        Numerics.AssertClose(want, Download(actual).Select(v => (double)v).ToArray(), 1e-4, 1e-5, $"{kernel} GEMM ta={ta} tb={tb}");
    }

    [Theory]
    [InlineData(ReduceOp.Sum)]
    [InlineData(ReduceOp.Mean)]
    [InlineData(ReduceOp.Max)]
    public void Tree_reduction_of_long_rows_matches_the_reference(ReduceOp op)
    {
        // [3, 5000] over the last axis: few outputs, long rows — the group-per-row tree path.
        var rng = new Rng(5);
        var values = Enumerable.Range(0, 3 * 5000).Select(_ => (float)rng.Uniform(-2, 2)).ToArray();
        values[2 * 5000 + 4321] = 9f;                     // row 2's maximum, far from the row's start
        var reference = ReferenceBackend.Instance;
        var expected = reference.Allocate(3);
        var expectedArg = reference.UploadIndices(new int[3]);
        reference.Reduce(op, Upload(reference, values), 3, 5000, 1, expected, op == ReduceOp.Max ? expectedArg : null, false);
        var actual = Cpu.Allocate(3);
        var actualArg = Cpu.UploadIndices(new int[3]);
        Cpu.Reduce(op, Upload(Cpu, values), 3, 5000, 1, actual, op == ReduceOp.Max ? actualArg : null, false);
        var want = new double[3];
        expected.ReadDouble(want);
        Numerics.AssertClose(want, Download(actual).Select(v => (double)v).ToArray(), 1e-5, 1e-5, $"tree {op}");
        if (op == ReduceOp.Max)
        {
            var (e, a) = (new int[3], new int[3]);
            expectedArg.Read(e);
            actualArg.Read(a);
            Assert.Equal(e, a);
            Assert.Equal(2 * 5000 + 4321, a[2]);
        }
    }

    [Fact]
    public void Tree_max_keeps_the_first_of_equal_maxima()
    {
        var x = Upload(Cpu, Enumerable.Repeat(1f, 2000).ToArray());
        var y = Cpu.Allocate(1);
        var arg = Cpu.UploadIndices(new int[1]);
        Cpu.Reduce(ReduceOp.Max, x, 1, 2000, 1, y, arg, false);
        var at = new int[1];
        arg.Read(at);
        Assert.Equal(0, at[0]);
    }

    [Fact]
    public void Asking_for_an_absent_device_names_what_is_there()
    {
        foreach (var kind in new[] { IlgpuDeviceKind.Cuda, IlgpuDeviceKind.OpenCL })
        {
            if (IlgpuDevices.IsAvailable(kind))
            {
                Assert.StartsWith("ilgpu-", IlgpuDevices.Get(kind).Name);
                continue;
            }
            var e = Assert.Throws<DeviceNotFoundException>(() => IlgpuDevices.Get(kind));
            Assert.Contains(kind.ToString(), e.Message);
            Assert.Contains("CPU", e.Message);            // the list of devices ILGPU does see
            Assert.Contains("--device", e.Message);
        }
    }

    [Fact]
    public void Buffers_of_another_backend_are_refused()
    {
        var foreign = ReferenceBackend.Instance.Allocate(4);
        var e = Assert.Throws<ArgumentException>(() => Cpu.Map<ReluFunction>(0, foreign, Cpu.Allocate(4), 4));
        Assert.Contains("reference", e.Message);
    }

    /// <summary>
    /// Every kernel method of kernels/, generic ones instantiated with each operator struct: the binary operators of
    /// kernels/ and every elementwise function Core defines (so a new activation is compiled to PTX here unasked).
    /// </summary>
    public static IEnumerable<object[]> KernelMethods()
    {
        var unary = typeof(IUnaryFunction).Assembly.GetTypes().Where(t => t.IsValueType && typeof(IUnaryFunction).IsAssignableFrom(t));
        var binary = typeof(IBinaryOperator).Assembly.GetTypes().Where(t => t.IsValueType && typeof(IBinaryOperator).IsAssignableFrom(t));
        Type[] kernelClasses = [typeof(ElementwiseKernels), typeof(GemmKernels), typeof(ReductionKernels), typeof(ConvKernels), typeof(DirectConvKernels),
            typeof(SparseKernels), typeof(OptimizerKernels)];
        foreach (var type in kernelClasses)
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == typeof(void)))
            {
                if (!method.IsGenericMethodDefinition) { yield return [type.Name, method.Name, ""]; continue; }
                var ops = method.GetGenericArguments()[0].GetGenericParameterConstraints().Contains(typeof(IUnaryFunction))
                    ? unary : binary;
                foreach (var op in ops) yield return [type.Name, method.Name, op.FullName!];
            }
    }

    private static readonly Lazy<(Context Context, PTXBackend Backend)> Ptx = new(() =>
    {
        var context = Context.Create(b => b.EnableAlgorithms().Optimize(OptimizationLevel.O1));
        return (context, new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_70), CudaArchitecture.SM_70,
            CudaInstructionSet.ISA_70, null));
    });

    [Theory]
    [MemberData(nameof(KernelMethods))]
    public void Kernel_compiles_to_cuda_ptx(string type, string method, string op)
    {
        var owner = typeof(GridStride).Assembly.GetType($"StructureReps.Kernels.{type}")!;
        var info = owner.GetMethod(method)!;
        if (op != "") info = info.MakeGenericMethod((typeof(GridStride).Assembly.GetType(op) ?? typeof(IUnaryFunction).Assembly.GetType(op))!);
        PTXCompiledKernel compiled;
        lock (Ptx) // one PTX backend, compiled into one kernel at a time
            compiled = (PTXCompiledKernel)Ptx.Value.Backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(info), KernelSpecialization.Empty);
        Assert.Contains(".entry", compiled.PTXAssembly);
        Assert.Contains(".target sm_70", compiled.PTXAssembly);
    }
}
