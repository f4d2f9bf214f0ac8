using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;
using StructureReps.Graphs.Spectral;
using StructureReps.Zoo;

namespace StructureReps.Benchmarks;

/// <summary>
/// One VGAE training epoch over a zoo's graphs, as peer_bench.py's PyTorch model: 256 checkpoints of the
/// California-housing MLP (8-64-64-1: 137 nodes, 4,672 edges, width 1) or of the Fashion-MNIST Small CNN
/// (1-16-16-16-10: 59 nodes, 688 edges, width 9), random weights, LF k = 8, batches of 32 graphs, Adam.
/// </summary>
public sealed class EncoderEpochWorkloads
{
    public const int Graphs = 256, Batch = 32;

    private readonly Dictionary<string, (EncoderConfig Config, List<NetworkGraph> Graphs)> _cases = new();
    private readonly IBackend _backend;

    /// <param name="graphs">Checkpoint graphs per zoo (fewer for slow devices).</param>
    public EncoderEpochWorkloads(IBackend backend, int graphs = Graphs)
    {
        int count = graphs;
        _backend = backend;
        foreach (var (zoo, task) in new[] { ("california_mlp", "california-housing"), ("fashion_cnn", "fashion-mnist") })
        {
            var arch = Tasks.Get(task).Architecture;
            int edgeDim = GraphBuilder.EdgeDim([arch]);
            var zooGraphs = Enumerable.Range(0, count).Select(i =>
            {
                var g = GraphBuilder.Build(arch, arch.Build(new Rng((ulong)i)).Module.StateDict(), edgeDim, new CheckpointTargets(i, 0, 0, 0, 0, 0), "synthetic");
                g.PositionalEncoding = LaplacianPe.Compute(g).Features;
                return g;
            }).ToList();
            foreach (var name in new[] { "ea-tc-lf", "ea-gc-lf" })
                _cases[$"{name.Replace('-', '_')}_{zoo}"] = (EncoderConfig.Named(name) with { Epochs = 1, BatchGraphs = Batch }, zooGraphs);
        }
    }

    public IEnumerable<string> Names => _cases.Keys;

    /// <summary>
    /// One training run of <paramref name="epochs"/> epochs; returns the MB allocated and the full collections
    /// during epochs 2..n (after the first epoch has filled the pools and caches).
    /// </summary>
    public (double MegabytesPerEpoch, double FullCollectionsPerEpoch) SteadyState(string name, int epochs)
    {
        var (config, graphs) = _cases[name];
        var probe = new SteadyProbe();
        new EncoderTrainer(config with { Epochs = epochs }, _backend).Train(graphs, "bench", progress: probe);
        return ((GC.GetTotalAllocatedBytes(true) - probe.Bytes) / 1e6 / (epochs - 1), (GC.CollectionCount(2) - probe.Full) / (double)(epochs - 1));
    }

    private sealed class SteadyProbe : IEncoderProgress
    {
        public long Bytes;
        public int Full;

        public void EpochDone(EncoderEpoch epoch, int epochs)
        {
            if (epoch.Epoch != 1) return;
            Bytes = GC.GetTotalAllocatedBytes(true);
            Full = GC.CollectionCount(2);
        }
    }

    public void Epoch(string name)
    {
        var (config, graphs) = _cases[name];
        new EncoderTrainer(config, _backend).Train(graphs, "bench");
    }
}
