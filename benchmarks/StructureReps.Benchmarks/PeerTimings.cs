using System.Globalization;
using StructureReps.Backends.Cpu;

namespace StructureReps.Benchmarks;

/// <summary>
/// `peer` mode, called by peer_bench.py: times the same workloads the PyTorch side runs (median of repeated runs
/// after warm-up) and prints one "name milliseconds" line each, for the script to put beside PyTorch's.
/// </summary>
public static class PeerTimings
{
    public static int Run(int repeats, string only = "")
    {
        _only = only;
        var w = new Workloads(CpuBackend.Default);
        foreach (int n in new[] { 256, 1024 })
        {
            var bufs = w.GemmBuffers(n);
            Report($"gemm{n}", repeats, () => w.Gemm(n, bufs));
        }
        var conv = w.ConvInputs();
        Report("conv2d_fwd", repeats, () => Workloads.ConvForward(conv));
        Report("conv2d_fwd_bwd", repeats, () => Workloads.ConvForwardBackward(conv));
        var g = w.MakeGraph();
        var edgeOut = w.GraphOutput(true);
        var nodeOut = w.GraphOutput(false);
        Report("gather", repeats, () => w.Gather(g, edgeOut));
        Report("scatter_add", repeats, () => w.ScatterAdd(g, nodeOut));
        Report("segment_softmax", repeats, () => w.SegmentSoftmax(g, edgeOut));
        var epochs = new EpochWorkloads(CpuBackend.Default);
        Report("epoch_california_mlp", Math.Max(3, repeats / 3), epochs.CaliforniaMlpEpoch, warmup: 1);
        Report("epoch_fashion_cnn", Math.Max(3, repeats / 3), epochs.FashionCnnEpoch, warmup: 1);
        if (!"encoder_".StartsWith(_only, StringComparison.Ordinal) && !_only.StartsWith("encoder_", StringComparison.Ordinal)) return 0;
        var encoders = new EncoderEpochWorkloads(CpuBackend.Default);
        foreach (var name in encoders.Names) Report("encoder_" + name, Math.Max(3, repeats / 3), () => encoders.Epoch(name), warmup: 1);
        return 0;
    }

    private static string _only = "";

    private static void Report(string name, int repeats, Action action, int warmup = 3)
    {
        if (!name.StartsWith(_only, StringComparison.Ordinal)) return;
        double ms = Timing.MedianMs(repeats, action, warmup);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {ms:F4}"));
    }
}
