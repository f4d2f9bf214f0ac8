using System.Diagnostics;
using System.Globalization;
using StructureReps.Backends.Cpu;

namespace StructureReps.Benchmarks;

/// <summary>
/// `peer` mode, called by peer_bench.py: times the same workloads the PyTorch side runs (median of repeated runs
/// after warm-up) and prints one "name milliseconds allocated-MB full-collections" line each (the last two per
/// timed run), for the script to put beside PyTorch's. peer_bench.py asks for one workload per process
/// (<c>peer REPEATS NAME exact</c>): the garbage collector's state left by one workload must not time another.
/// </summary>
public static class PeerTimings
{
    public static int Run(int repeats, string only = "", bool exact = false)
    {
        _only = only;
        _exact = exact;
        var w = new Workloads(CpuBackend.Default);
        foreach (int n in new[] { 256, 1024 })
        {
            var bufs = w.GemmBuffers(n);
            Report($"gemm{n}", repeats, () => w.Gemm(n, bufs));
        }
        var conv = w.ConvInputs();
        // At least 40 runs and WarmupTime before timing, as in any training run after its first batches.
        Report("conv2d_fwd", repeats, () => Workloads.ConvForward(conv), warmup: 40);
        Report("conv2d_fwd_bwd", repeats, () => Workloads.ConvForwardBackward(conv), warmup: 40);
        var g = w.MakeGraph();
        var edgeOut = w.GraphOutput(true);
        var nodeOut = w.GraphOutput(false);
        Report("gather", repeats, () => w.Gather(g, edgeOut));
        Report("scatter_add", repeats, () => w.ScatterAdd(g, nodeOut));
        Report("segment_softmax", repeats, () => w.SegmentSoftmax(g, edgeOut));
        var epochs = new EpochWorkloads(CpuBackend.Default);
        Report("epoch_california_mlp", Math.Max(3, repeats / 3), epochs.CaliforniaMlpEpoch, warmup: EpochWarmup);
        Report("epoch_fashion_cnn", Math.Max(3, repeats / 3), epochs.FashionCnnEpoch, warmup: EpochWarmup);
        Report("epoch_cifar_cnn", Math.Max(3, repeats / 3), epochs.CifarCnnEpoch, warmup: EpochWarmup);
        if (!"encoder_".StartsWith(_only, StringComparison.Ordinal) && !_only.StartsWith("encoder_", StringComparison.Ordinal)) return 0;
        if (_exact && !_only.StartsWith("encoder_", StringComparison.Ordinal)) return 0;
        var encoders = new EncoderEpochWorkloads(CpuBackend.Default);
        foreach (var name in encoders.Names) Report("encoder_" + name, Math.Max(3, repeats / 3), () => encoders.Epoch(name), warmup: 1);
        return 0;
    }

    /// <summary>
    /// Epochs run before the timed ones (peer_bench.py's EPOCH_WARMUP, the same on the PyTorch side): the figure to
    /// compare is an epoch of a long training run, and during the first one or two tiered compilation is still
    /// replacing instrumented code (a CIFAR epoch timed after one warm-up took 1.4–2× the tenth).
    /// </summary>
    private const int EpochWarmup = 3;

    private static string _only = "";
    private static bool _exact;

    /// <summary>
    /// The least warm-up time of every workload (peer_bench.py's WARMUP_SECONDS, the same on the PyTorch side): .NET's
    /// tiered compilation counts calls only after 100 ms without new methods, then recompiles in the background, so
    /// a workload reaches the speed it keeps for a training run after about a second. Timed after 40 runs instead
    /// (32 ms), conv2d_fwd took 0.80 ms where it settles at 0.45 ms, and conv2d_fwd_bwd 2.4–3.0 ms against 1.75 ms.
    /// </summary>
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);

    private static void Report(string name, int repeats, Action action, int warmup = 3)
    {
        if (_exact ? name != _only : !name.StartsWith(_only, StringComparison.Ordinal)) return;
        long warmupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < warmup || Stopwatch.GetElapsedTime(warmupStart) < WarmupTime; i++) action();
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        int full = GC.CollectionCount(2);
        double ms = Timing.MedianMs(repeats, action, warmup: 0);
        double mb = (GC.GetTotalAllocatedBytes(precise: true) - bytes) / 1e6 / repeats;
        double fullPerRun = (GC.CollectionCount(2) - full) / (double)repeats;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {ms:F4} {mb:F2} {fullPerRun:F2}"));
    }
}
