using StructureReps.Zoo.Data;
using StructureReps.Zoo.Models;
using StructureReps.Zoo.Training;

namespace StructureReps.Zoo;

/// <summary>A task of spec §2: how to load its data, its default network and its default training.</summary>
public sealed record TaskInfo(string Name, string Network, Architecture Architecture, TrainConfig Defaults,
    Func<string, ulong, TaskData> Load, Func<string, string?> Missing)
{
    /// <summary>What a run's performance measures: "accuracy" (classification) or "r2" (regression).</summary>
    public string Performance { get; init; } = "accuracy";
}

/// <summary>The registry of tasks by name (`--task`).</summary>
public static class Tasks
{
    public static readonly IReadOnlyList<TaskInfo> All =
    [
        new("two-moons", "MLP 2-20-20-2", Architecture.Mlp(2, 20, 20, 2),
            new TrainConfig { Epochs = 50, BatchSize = 32, LearningRate = 0.01f },
            (_, seed) => TwoMoons.Load(seed), _ => null),
        new("california-housing", "MLP 8-64-64-1", Architecture.Mlp(8, 64, 64, 1),
            new TrainConfig { Epochs = 30, BatchSize = 64, LearningRate = 1e-3f },
            (root, seed) => CaliforniaHousing.Load(root, seed),
            root => File.Exists(Path.Combine(root, "california-housing", "cal_housing.data.gz")) || File.Exists(Path.Combine(root, "california-housing", "housing.tgz"))
                ? null : $"no cal_housing.data.gz or housing.tgz in {Path.Combine(root, "california-housing")}") { Performance = "r2" },
        new("covertype", "MLP 54-64-64-7", Architecture.Mlp(54, 64, 64, 7),
            new TrainConfig { Epochs = 20, BatchSize = 256, LearningRate = 1e-3f },
            (root, seed) => Covertype.Load(root, seed),
            root => File.Exists(Path.Combine(root, "covertype", "covertype-small.data.csv.gz")) || File.Exists(Path.Combine(root, "covertype", "covtype.data.gz"))
                ? null : $"no covertype data in {Path.Combine(root, "covertype")}"),
        new("cifar10", "CNN 3→16→32→32, GAP, linear(32→10)",
            Architecture.Cnn([3, 32, 32], [new(16, 3, 1, 1, 2), new(32, 3, 1, 1, 2), new(32, 3, 1, 1, 1)], 10),
            new TrainConfig { Epochs = 20, BatchSize = 64, LearningRate = 1e-3f },
            (root, _) => Cifar10.Load(root),
            root => File.Exists(Cifar10.JpegZipPath(root)) || Directory.Exists(Path.Combine(root, "cifar10", "cifar-10-batches-bin"))
                ? null : $"no {Cifar10.JpegZipPath(root)} or cifar-10-batches-bin"),
        new("imagenet-subset", "CNN 3→16→32→32, GAP, linear(32→10) on 32×32",
            Architecture.Cnn([3, 32, 32], [new(16, 3, 1, 1, 2), new(32, 3, 1, 1, 2), new(32, 3, 1, 1, 1)], 10),
            new TrainConfig { Epochs = 20, BatchSize = 64, LearningRate = 1e-3f },
            (root, _) => TinyImageNet.Load(root),
            root => File.Exists(TinyImageNet.ZipPath(root)) ? null : $"no {TinyImageNet.ZipPath(root)}"),
        new("fashion-mnist", "Small CNN Zoo: 3 × conv3×3(16)/s2, GAP, linear(16→10), 4,970 parameters",
            Architecture.Cnn([1, 28, 28], [new(16, 3, 2, 0), new(16, 3, 2, 0), new(16, 3, 2, 0)], 10),
            new TrainConfig { Epochs = 10, BatchSize = 64, LearningRate = 3e-3f, DataFraction = 0.25 },
            (root, _) => FashionMnist.Load(root),
            root => FashionMnist.Locate(root) is null ? "Fashion-MNIST is not installed (bash scripts/setup.sh)" : null),
    ];

    /// <summary>Tasks the paper uses that this build cannot train yet, with the reason (listed, never silently dropped).</summary>
    public static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>();

    /// <summary>The performance a task's runs measure ("accuracy", "r2"), or "" for a name not in the registry (an import).</summary>
    public static string PerformanceOf(string name) => All.FirstOrDefault(t => t.Name == name)?.Performance ?? "";

    public static TaskInfo Get(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException(Unsupported.TryGetValue(name, out var why)
            ? $"task '{name}': {why}"
            : $"task '{name}' is not one of {string.Join(", ", All.Select(t => t.Name))}");
}
