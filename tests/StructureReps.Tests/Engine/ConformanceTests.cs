using StructureReps.Backends.Cpu;
using StructureReps.Core.Backends;
using StructureReps.Core.Backends.Reference;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Engine;

/// <summary>
/// The backend conformance suite: every op case, forward and backward, against the reference backend.
/// Written once; each backend is a thin subclass (ILGPU's per-accelerator test projects, in miniature).
/// </summary>
public abstract class ConformanceTests
{
    protected abstract IBackend Backend { get; }

    [Theory]
    [MemberData(nameof(OpCases.AllNames), MemberType = typeof(OpCases))]
    public void Forward_and_backward_match_reference(string op) => MatchesReference(Backend, op);

    [Theory]
    [MemberData(nameof(OpCases.AllNames), MemberType = typeof(OpCases))]
    public void Repeated_runs_are_bit_identical(string op) => IsRepeatable(Backend, op);

    /// <summary>The forward value and every input's gradient of op case <paramref name="op"/> agree with the reference.</summary>
    public static void MatchesReference(IBackend backend, string op)
    {
        var c = OpCases.All[op];
        var (expected, expectedGrads) = Numerics.Run(c, ReferenceBackend.Instance);
        var (actual, actualGrads) = Numerics.Run(c, backend);
        Numerics.AssertClose(expected, actual, 2e-4, 2e-5, $"{op} on {backend.Name}: forward");
        for (int k = 0; k < expectedGrads.Length; k++)
            Numerics.AssertClose(expectedGrads[k], actualGrads[k], 2e-4, 2e-5, $"{op} on {backend.Name}: gradient of input {k}");
    }

    /// <summary>Two runs of op case <paramref name="op"/> give the same bits, forward and backward.</summary>
    public static void IsRepeatable(IBackend backend, string op)
    {
        var c = OpCases.All[op];
        var (first, firstGrads) = Numerics.Run(c, backend);
        var (second, secondGrads) = Numerics.Run(c, backend);
        Assert.Equal(first, second);
        for (int k = 0; k < firstGrads.Length; k++) Assert.Equal(firstGrads[k], secondGrads[k]);
    }
}

/// <summary>The SIMD CPU backend as users get it: native BLAS for GEMM when one loads.</summary>
public sealed class CpuSimdConformanceTests : ConformanceTests
{
    protected override IBackend Backend => CpuBackend.Default;
}

/// <summary>The SIMD CPU backend with the managed GEMM forced: the no-native-library path.</summary>
public sealed class CpuSimdManagedGemmConformanceTests : ConformanceTests
{
    private static readonly CpuBackend Managed = new(useNativeBlas: false);

    protected override IBackend Backend => Managed;
}

/// <summary>
/// The primitives alone (no fused kernel of any kind) over the SIMD CPU backend: every op through Core's composed
/// fallbacks, as a new backend that implements only IBackend runs it.
/// </summary>
public sealed class PrimitivesOnlyConformanceTests : ConformanceTests
{
    private static readonly IBackend PrimitivesOnly = new StructureReps.Tests.Support.PrimitivesOnlyBackend(CpuBackend.Default);

    protected override IBackend Backend => PrimitivesOnly;
}
