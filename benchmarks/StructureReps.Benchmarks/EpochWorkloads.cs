using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Zoo;
using StructureReps.Zoo.Data;
using StructureReps.Zoo.Training;

namespace StructureReps.Benchmarks;

/// <summary>
/// One training epoch of a zoo network on synthetic data of the task's shape (the same shapes the PyTorch side
/// of peer_bench.py uses): the California-housing MLP 8-64-64-1 on 16,512 rows (MSE, Adam, batch 64) and the
/// Fashion-MNIST Small-CNN-Zoo network on 15,000 images (cross-entropy, Adam, batch 64), and the CIFAR-10 zoo
/// network (3→16 pool → 16→32 pool → 32→32, 3×3 padding 1, GAP, linear) on 2,500 images.
/// </summary>
public sealed class EpochWorkloads
{
    public const int CaliforniaRows = 16_512, FashionImages = 15_000, CifarImages = 2_500, BatchSize = 64;

    private readonly Trainer _mlp, _cnn, _cifar;
    private readonly Dataset _california, _fashion, _cifarData;
    private int _epoch;

    /// <param name="fashionImages">Images in the CNN's epoch (fewer for slow devices).</param>
    public EpochWorkloads(IBackend backend, int fashionImages = FashionImages)
    {
        var rng = new Rng(9);
        _california = new Dataset(rng.NormalArray(CaliforniaRows * 8), [8], null, rng.NormalArray(CaliforniaRows), 0);
        _fashion = new Dataset(rng.NormalArray(fashionImages * 784), [1, 28, 28],
            Enumerable.Range(0, fashionImages).Select(_ => rng.NextInt(10)).ToArray(), null, 10);
        _cifarData = new Dataset(rng.NormalArray(CifarImages * 3 * 32 * 32), [3, 32, 32],
            Enumerable.Range(0, CifarImages).Select(_ => rng.NextInt(10)).ToArray(), null, 10);
        var config = new TrainConfig { BatchSize = BatchSize, LearningRate = 1e-3f, Seed = 1 };
        _mlp = new Trainer(Tasks.Get("california-housing").Architecture.Build(new Rng(1), backend), config, backend);
        _cnn = new Trainer(Tasks.Get("fashion-mnist").Architecture.Build(new Rng(1), backend), config, backend);
        _cifar = new Trainer(Tasks.Get("cifar10").Architecture.Build(new Rng(1), backend), config, backend);
    }

    public void CaliforniaMlpEpoch() => _mlp.TrainEpoch(_california, ++_epoch);

    public void FashionCnnEpoch() => _cnn.TrainEpoch(_fashion, ++_epoch);

    public void CifarCnnEpoch() => _cifar.TrainEpoch(_cifarData, ++_epoch);
}
