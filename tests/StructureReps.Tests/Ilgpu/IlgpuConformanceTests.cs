using StructureReps.Backends.Ilgpu;
using StructureReps.Core.Backends;
using StructureReps.Tests.Engine;
using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Ilgpu;

/// <summary>
/// The conformance suite on ILGPU's CPU accelerator: the same kernels that run on a GPU, executed by the
/// host's threads, checked op by op (forward and backward) against the reference. Runs in CI.
/// </summary>
public sealed class IlgpuCpuConformanceTests : ConformanceTests
{
    protected override IBackend Backend => IlgpuDevices.Get(IlgpuDeviceKind.Cpu);
}

/// <summary>The conformance suite on CUDA; reported as skipped where no CUDA device is present.</summary>
public sealed class IlgpuCudaConformanceTests
{
    [CudaTheory]
    [MemberData(nameof(OpCases.AllNames), MemberType = typeof(OpCases))]
    public void Forward_and_backward_match_reference(string op) =>
        ConformanceTests.MatchesReference(IlgpuDevices.Get(IlgpuDeviceKind.Cuda), op);

    [CudaTheory]
    [MemberData(nameof(OpCases.AllNames), MemberType = typeof(OpCases))]
    public void Repeated_runs_are_bit_identical(string op) =>
        ConformanceTests.IsRepeatable(IlgpuDevices.Get(IlgpuDeviceKind.Cuda), op);
}
