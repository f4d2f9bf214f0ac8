using StructureReps.Core;
using StructureReps.Core.Backends;

namespace StructureReps.Benchmarks;

/// <summary>
/// The benchmark workloads, built once per backend, shared by the BenchmarkDotNet classes and the peer timing
/// mode so that our numbers and PyTorch's come from the same shapes and the same data.
/// </summary>
public sealed class Workloads
{
    public const int ConvBatch = 32, ConvChannels = 16, ConvSize = 32;
    public const int GraphNodes = 100_000, GraphEdges = 1_000_000, GraphFeatures = 16;

    private readonly IBackend _be;

    public Workloads(IBackend backend) => _be = backend;

    public (DeviceBuffer A, DeviceBuffer B, DeviceBuffer C) GemmBuffers(int n)
    {
        var rng = new Rng(1);
        var a = Tensor.From(rng.UniformArray(n * n, -1, 1), [n, n], _be);
        var b = Tensor.From(rng.UniformArray(n * n, -1, 1), [n, n], _be);
        return (a.Data, b.Data, _be.Allocate(n * n));
    }

    public void Gemm(int n, (DeviceBuffer A, DeviceBuffer B, DeviceBuffer C) bufs) =>
        _be.Gemm(new GemmShape(false, false, n, n, n), 1f, bufs.A, bufs.B, 0f, bufs.C);

    public (Tensor X, Tensor W, Tensor Bias, Tensor Seed) ConvInputs()
    {
        var rng = new Rng(2);
        var x = Tensor.From(rng.UniformArray(ConvBatch * ConvChannels * ConvSize * ConvSize, -1, 1), [ConvBatch, ConvChannels, ConvSize, ConvSize], _be);
        var w = Tensor.From(rng.UniformArray(ConvChannels * ConvChannels * 9, -0.3, 0.3), [ConvChannels, ConvChannels, 3, 3], _be);
        var b = Tensor.From(rng.UniformArray(ConvChannels, -0.3, 0.3), [ConvChannels], _be);
        var seed = Tensor.From(rng.UniformArray(ConvBatch * ConvChannels * ConvSize * ConvSize, -1, 1), [ConvBatch, ConvChannels, ConvSize, ConvSize], _be);
        x.RequiresGrad = w.RequiresGrad = b.RequiresGrad = true;
        return (x, w, b, seed);
    }

    /// <summary>
    /// Conv2d 3×3, padding 1, forward and backward (x, w and bias gradients), in a buffer scope as a training step
    /// runs it: the output and interior buffers come back to the pool (PyTorch's allocator reuses its blocks too).
    /// </summary>
    public static void ConvForwardBackward((Tensor X, Tensor W, Tensor Bias, Tensor Seed) t)
    {
        using var scope = Core.Memory.BufferScope.Begin();
        var y = Ops.Conv2d(t.X, t.W, t.Bias, 1, 1);
        y.Backward(t.Seed);
        t.X.ZeroGrad();
        t.W.ZeroGrad();
        t.Bias.ZeroGrad();
    }

    public static void ConvForward((Tensor X, Tensor W, Tensor Bias, Tensor Seed) t)
    {
        using var scope = Core.Memory.BufferScope.Begin();
        using var _ = Core.Autodiff.Tape.NoGrad();
        Ops.Conv2d(t.X, t.W, t.Bias, 1, 1);
    }

    /// <summary>A random graph of 1M edges over 100k nodes, node features [N, 16] and edge values [E, 16].</summary>
    public sealed record Graph(IndexTensor Src, IndexTensor Dst, Tensor NodeFeatures, Tensor EdgeValues);

    private static (int[] Src, int[] Dst)? _edges;

    public static (int[] Src, int[] Dst) Edges()
    {
        if (_edges is { } e) return e;
        var rng = new Rng(3);
        var src = new int[GraphEdges];
        var dst = new int[GraphEdges];
        for (int i = 0; i < GraphEdges; i++)
        {
            src[i] = rng.NextInt(GraphNodes);
            dst[i] = rng.NextInt(GraphNodes);
        }
        _edges = (src, dst);
        return (src, dst);
    }

    public Graph MakeGraph()
    {
        var (src, dst) = Edges();
        var rng = new Rng(4);
        var g = new Graph(new IndexTensor(src), new IndexTensor(dst),
            Tensor.From(rng.UniformArray(GraphNodes * GraphFeatures, -1, 1), [GraphNodes, GraphFeatures], _be),
            Tensor.From(rng.UniformArray(GraphEdges * GraphFeatures, -1, 1), [GraphEdges, GraphFeatures], _be));
        // Build the CSRs and upload the indices once, as a graph's structures are built once and reused.
        g.Dst.Segments(GraphNodes).On(_be);
        g.Src.On(_be);
        g.Dst.On(_be);
        return g;
    }

    public DeviceBuffer GraphOutput(bool perEdge) => _be.Allocate((perEdge ? GraphEdges : GraphNodes) * GraphFeatures);

    /// <summary>x_j = x[src]: [N, 16] → [E, 16].</summary>
    public void Gather(Graph g, DeviceBuffer output) =>
        _be.Gather(g.NodeFeatures.Data, GraphFeatures, g.Src.On(_be), GraphEdges, output);

    /// <summary>Σ over in-edges: [E, 16] → [N, 16] (PyG's scatter sum / index_add_).</summary>
    public void ScatterAdd(Graph g, DeviceBuffer output) =>
        _be.SegmentReduce(ReduceOp.Sum, g.EdgeValues.Data, GraphFeatures, g.Dst.Segments(GraphNodes), output, null, accumulate: false);

    /// <summary>Softmax over each node's in-edges, 16 columns: [E, 16] → [E, 16].</summary>
    public void SegmentSoftmax(Graph g, DeviceBuffer output) =>
        _be.SegmentSoftmax(g.EdgeValues.Data, GraphFeatures, g.Dst.Segments(GraphNodes), output);
}
