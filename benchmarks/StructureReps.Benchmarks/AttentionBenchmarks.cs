using BenchmarkDotNet.Attributes;
using StructureReps.Backends.Cpu;
using StructureReps.Core;

namespace StructureReps.Benchmarks;

/// <summary>
/// The attention half of a TransformerConv layer, forward and backward, on the SIMD CPU backend: scores
/// ⟨q_i, k_j⟩ and the aggregation Σ α v_j, one head of 32 channels, on two random graphs: the size of one encoder
/// batch (32 covertype checkpoints: 6,048 nodes, 512,000 message edges; node rows stay in cache) and the shared
/// 1M-edge, 100k-node graph (every gather misses the cache).
/// The baseline is the composed form (gather q, k, v per edge → multiply → sum / scatter-add, [E, 32] tensors);
/// the other is EdgeDot + WeightedAggregate, which never materialize a per-edge row.
/// </summary>
public class AttentionBenchmarks
{
    private const int Channels = 32;
    private Tensor _q = null!, _k = null!, _v = null!, _seed = null!;
    private IndexTensor _src = null!, _dst = null!;
    private int _nodes;

    public enum Shape { EncoderBatch, Large }

    [Params(Shape.EncoderBatch, Shape.Large)]
    public Shape Graph;

    [GlobalSetup]
    public void Setup()
    {
        var be = CpuBackend.Default;
        var rng = new Rng(5);
        if (Graph == Shape.Large)
        {
            var (src, dst) = Workloads.Edges();
            (_src, _dst, _nodes) = (new IndexTensor(src), new IndexTensor(dst), Workloads.GraphNodes);
        }
        else
        {
            (_nodes, int edges) = (32 * 189, 512_000);
            _src = new IndexTensor(Enumerable.Range(0, edges).Select(_ => rng.NextInt(_nodes)).ToArray());
            _dst = new IndexTensor(Enumerable.Range(0, edges).Select(_ => rng.NextInt(_nodes)).ToArray());
        }
        Tensor Leaf() { var t = Tensor.From(rng.UniformArray(_nodes * Channels, -1, 1), [_nodes, Channels], be); t.RequiresGrad = true; return t; }
        (_q, _k, _v) = (Leaf(), Leaf(), Leaf());
        _seed = Tensor.From(rng.UniformArray(_nodes * Channels, -1, 1), [_nodes, Channels], be);
        _ = _src.Segments(_nodes); // the CSRs are built once per graph, outside the timing
        _ = _dst.Segments(_nodes);
    }

    private void Finish(Tensor outp)
    {
        outp.Backward(_seed);
        _q.ZeroGrad(); _k.ZeroGrad(); _v.ZeroGrad();
    }

    [Benchmark(Baseline = true, Description = "gather-multiply-scatter")]
    public void Composed()
    {
        int e = _src.Length;
        var score = Ops.Sum(Ops.IndexSelect(_q, _dst) * Ops.IndexSelect(_k, _src), 1);
        var alpha = Ops.SegmentSoftmax(score, _dst, _nodes);
        Finish(Ops.ScatterAdd(Ops.IndexSelect(_v, _src) * Ops.Reshape(alpha, [e, 1]), _dst, _nodes));
    }

    [Benchmark(Description = "EdgeDot + WeightedAggregate")]
    public void Fused()
    {
        var alpha = Ops.SegmentSoftmax(Ops.EdgeDot(_q, _dst, _k, _src), _dst, _nodes);
        Finish(Ops.WeightedAggregate(_v, alpha, _src, _dst, _nodes));
    }
}
