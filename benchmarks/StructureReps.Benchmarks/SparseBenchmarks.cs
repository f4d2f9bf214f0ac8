using BenchmarkDotNet.Attributes;
using StructureReps.Backends.Cpu;
using StructureReps.Core.Backends;
using StructureReps.Core.Backends.Reference;

namespace StructureReps.Benchmarks;

/// <summary>Gather, scatter-add and segment softmax on a random graph of 1M edges × 16 features (100k nodes).</summary>
public class SparseBenchmarks
{
    private Workloads _cpu = null!, _reference = null!;
    private Workloads.Graph _cpuGraph = null!, _referenceGraph = null!;
    private DeviceBuffer _cpuEdgeOut = null!, _cpuNodeOut = null!, _refEdgeOut = null!, _refNodeOut = null!;

    public enum Op { Gather, ScatterAdd, SegmentSoftmax }

    [Params(Op.Gather, Op.ScatterAdd, Op.SegmentSoftmax)]
    public Op Kernel;

    [GlobalSetup]
    public void Setup()
    {
        _cpu = new Workloads(CpuBackend.Default);
        _reference = new Workloads(ReferenceBackend.Instance);
        _cpuGraph = _cpu.MakeGraph();
        _referenceGraph = _reference.MakeGraph();
        _cpuEdgeOut = _cpu.GraphOutput(true);
        _cpuNodeOut = _cpu.GraphOutput(false);
        _refEdgeOut = _reference.GraphOutput(true);
        _refNodeOut = _reference.GraphOutput(false);
    }

    private static void Run(Workloads w, Workloads.Graph g, DeviceBuffer edgeOut, DeviceBuffer nodeOut, Op op)
    {
        switch (op)
        {
            case Op.Gather: w.Gather(g, edgeOut); break;
            case Op.ScatterAdd: w.ScatterAdd(g, nodeOut); break;
            default: w.SegmentSoftmax(g, edgeOut); break;
        }
    }

    [Benchmark(Baseline = true, Description = "cpu-simd")]
    public void Cpu() => Run(_cpu, _cpuGraph, _cpuEdgeOut, _cpuNodeOut, Kernel);

    [Benchmark(Description = "reference")]
    public void Reference() => Run(_reference, _referenceGraph, _refEdgeOut, _refNodeOut, Kernel);
}
