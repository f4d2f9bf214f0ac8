using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Graphs.Encoding;
using StructureReps.Tests.Graphs;
using StructureReps.Zoo;
using StructureReps.Zoo.Data;
using StructureReps.Zoo.Models;
using StructureReps.Zoo.Training;
using Xunit;

namespace StructureReps.Tests.Engine;

[CollectionDefinition(nameof(StepAllocationTests), DisableParallelization = true)]
public sealed class StepAllocationCollection;

/// <summary>
/// After warm-up a training step takes its buffers from the pool, not from the garbage collector. Counted with
/// GC.GetAllocatedBytesForCurrentThread (bytes, not time): what is left is tensor headers, shapes, backward
/// closures and Parallel.For's own task objects (a few hundred bytes per op). Before the pool, the same steps
/// allocated every activation and gradient afresh: ~10.7 MB per Fashion-MNIST CNN step of 64 images.
/// </summary>
[Collection(nameof(StepAllocationTests))] // alone: the pools are shared, a concurrent test could empty them
public sealed class StepAllocationTests
{
    /// <summary>Bytes per step: an epoch of 2·n batches minus an epoch of n batches, over n.</summary>
    private static double BytesPerStep(Trainer trainer, Func<int, Dataset> data, int n)
    {
        var small = data(n);
        var large = data(2 * n);
        trainer.TrainEpoch(large, 1); // warm-up: JIT, pools filled
        trainer.TrainEpoch(small, 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        trainer.TrainEpoch(small, 3);
        long mid = GC.GetAllocatedBytesForCurrentThread();
        trainer.TrainEpoch(large, 4);
        long after = GC.GetAllocatedBytesForCurrentThread();
        return ((after - mid) - (mid - before)) / (double)n;
    }

    [Fact]
    public void A_zoo_mlp_step_allocates_almost_nothing()
    {
        var be = new CpuBackend();
        var config = new TrainConfig { BatchSize = 64, LearningRate = 1e-3f, Seed = 1 };
        var trainer = new Trainer(Tasks.Get("california-housing").Architecture.Build(new Rng(1), be), config, be);
        Dataset Rows(int batches)
        {
            var rng = new Rng(2);
            return new Dataset(rng.NormalArray(batches * 64 * 8), [8], null, rng.NormalArray(batches * 64), 0);
        }
        double perStep = BytesPerStep(trainer, Rows, 8);
        // One batch's activations and gradients are ~100 KB; the step allocates only bookkeeping (~30 KB).
        Assert.True(perStep < 48 * 1024, $"an MLP step allocated {perStep:F0} bytes");
    }

    [Fact]
    public void A_zoo_cnn_step_allocates_almost_nothing()
    {
        var be = new CpuBackend();
        var config = new TrainConfig { BatchSize = 64, LearningRate = 1e-3f, Seed = 1 };
        var trainer = new Trainer(Tasks.Get("fashion-mnist").Architecture.Build(new Rng(1), be), config, be);
        Dataset Images(int batches)
        {
            var rng = new Rng(3);
            int n = batches * 64;
            return new Dataset(rng.NormalArray(n * 784), [1, 28, 28], Enumerable.Range(0, n).Select(_ => rng.NextInt(10)).ToArray(), null, 10);
        }
        double perStep = BytesPerStep(trainer, Images, 4);
        // The input batch alone is 200 KB and the im2col buffers several MB; bookkeeping is ~100 KB.
        Assert.True(perStep < 192 * 1024, $"a CNN step allocated {perStep:F0} bytes");
    }

    [Fact]
    public void An_encoder_step_allocates_almost_nothing()
    {
        var be = new CpuBackend();
        var graphs = VgaeTests.TinyZoo(16, [8, 32, 32, 2]);
        var config = EncoderConfig.Named("ea-tc-lf") with { BatchGraphs = 8, Seed = 5 };
        long Bytes(int epochs)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            new EncoderTrainer(config with { Epochs = epochs }, be).Train(graphs, "t");
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Bytes(2); // warm-up
        long one = Bytes(1), three = Bytes(3);
        int steps = 2 * (graphs.Count / config.BatchGraphs);
        long messageEdges = 2L * graphs.Sum(g => g.EdgeCount) / (graphs.Count / config.BatchGraphs); // per batch, both directions
        double perEdge = (three - one) / (double)steps / messageEdges;
        // Activations, gradients, and the batch's edge lists, CSRs, negatives and noise all come from pools
        // (~1.4 KB per message edge before); what is left (~16 B) is per-op bookkeeping and per-node features.
        Assert.True(perEdge < 32, $"an encoder step allocated {perEdge:F0} bytes per message edge");
    }
}
