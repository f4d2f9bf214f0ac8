using StructureReps.Backends.Cpu;
using StructureReps.Benchmark;
using StructureReps.Core;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Spectral;
using StructureReps.Services.Encoding;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Models;
using StructureReps.Zoo.Training;

namespace StructureReps.Tests.Benchmark;

/// <summary>
/// The across-networks benchmark: a split never puts one network on both sides, the benchmark is deterministic for
/// a seed, the boosted trees learn what statistics carry, and StatNN's summary has one length across depths.
/// </summary>
public sealed class NetworkBenchmarkTests
{
    [Fact]
    public void A_split_by_network_keeps_every_network_on_one_side_and_is_seeded()
    {
        var runs = Enumerable.Range(0, 40).ToList();
        for (ulong seed = 0; seed < 20; seed++)
        {
            var s = NetworkSplit.Random(runs, seed);
            Assert.Empty(s.Train.Intersect(s.Test));
            Assert.Empty(s.Train.Intersect(s.Validation));
            Assert.Empty(s.Validation.Intersect(s.Test));
            Assert.Equal(runs, s.Train.Concat(s.Validation).Concat(s.Test).Order());
            Assert.Equal((28, 4, 8), (s.Train.Count, s.Validation.Count, s.Test.Count));
            Assert.Equal(s.Test, NetworkSplit.Random(runs, seed).Test);
        }
        Assert.NotEqual(NetworkSplit.Random(runs, 0).Test.Order(), NetworkSplit.Random(runs, 1).Test.Order());
        Assert.Throws<ArgumentException>(() => NetworkSplit.Random([0, 1], 0));
    }

    [Fact]
    public void A_split_file_names_every_network_once()
    {
        using var dir = new TempDir();
        string path = dir.File("split.csv");
        File.WriteAllText(path, "run,split\n0,train\n1,train\n2,val\n3,test\n");
        var s = NetworkSplit.Read(path, [0, 1, 2, 3]);
        Assert.Equal([0, 1], s.Train.Order());
        Assert.Equal([3], s.Test);
        File.WriteAllText(path, "run,split\n0,train\n1,train\n1,test\n3,test\n");
        Assert.Contains("run 1 again",
            Assert.Throws<DataFormatException>(() => NetworkSplit.Read(path, [0, 1, 3])).Message);
        File.WriteAllText(path, "run,split\n0,train\n3,test\n");
        Assert.Contains("run 1 of the zoo",
            Assert.Throws<DataFormatException>(() => NetworkSplit.Read(path, [0, 1, 3])).Message);
        File.WriteAllText(path, "run,split\n0,train\n1,holdout\n");
        Assert.Contains("expected train, val or test",
            Assert.Throws<DataFormatException>(() => NetworkSplit.Read(path, [0, 1])).Message);
    }

    [Fact]
    public void Boosted_trees_learn_a_nonlinear_target_the_mean_cannot()
    {
        var rng = new Random(3);
        List<double[]> X(int n) =>
            [.. Enumerable.Range(0, n).Select(_ =>
                Enumerable.Range(0, 5).Select(_ => rng.NextDouble() * 2 - 1).ToArray())];
        static double F(double[] x) => Math.Sin(3 * x[0]) + x[1] * x[1] - (x[2] > 0 ? 0.5 : 0);
        var train = X(600);
        var validation = X(100);
        var test = X(200);
        var predict = new BoostedTreesRegressor().Fit(train, [.. train.Select(F)], validation,
            [.. validation.Select(F)]);
        var truth = test.Select(F).ToList();
        var predicted = predict(test);
        double r2 = StructureReps.Decoding.Probing.Correlation.R2(truth, predicted);
        Assert.True(r2 > 0.8, $"R² {r2:F3}"); // the mean predictor's R² is ≤ 0
        Assert.True(StructureReps.Decoding.Probing.Correlation.Kendall(predicted, truth) > 0.7);
        Assert.Equal(predicted,
            new BoostedTreesRegressor().Fit(train, [.. train.Select(F)], validation, [.. validation.Select(F)])(test));
    }

    [Fact]
    public void StatNN_summary_has_one_length_across_depths_with_the_head_in_the_last_slot()
    {
        NetworkGraph Graph(params int[] sizes)
        {
            var arch = Architecture.Mlp(sizes);
            var net = arch.Build(new Rng(1), CpuBackend.Default);
            return GraphBuilder.Build(arch, net.Module.StateDict().ToList(), 1, new CheckpointTargets(0, 0, 0, 0, 0, 0),
                "x");
        }
        var shallow = Graph(2, 8, 2);
        var deep = Graph(2, 8, 8, 8, 2);
        int slots = StatNnSummary.Slots([shallow, deep]);
        Assert.Equal(4, slots);
        var a = StatNnSummary.Of(shallow, slots);
        var b = StatNnSummary.Of(deep, slots);
        Assert.Equal(a.Length, b.Length);
        Assert.Equal([1.0, 0, 0, 1], Enumerable.Range(0, slots).Select(s => a[s * StatNnSummary.PerSlot + 14]));
        Assert.Equal(StructureReps.Graphs.Features.Baselines.StatNn(shallow)[14..28],
            a[(3 * StatNnSummary.PerSlot)..(3 * StatNnSummary.PerSlot + 14)]);
    }

    [Fact]
    [Trait("Speed", "slow")]
    public void The_benchmark_on_a_tiny_zoo_is_deterministic_for_a_seed()
    {
        using var dir = new TempDir();
        string zoo = dir.File("zoo"), graphs = dir.File("graphs");
        new ZooRunner(new ZooSpec
        {
            Task = "two-moons", Runs = 6, Epochs = 4, Output = zoo, Seed = 2, MaxTrain = 300, MaxTest = 200,
        }, CpuBackend.Default).Run();
        GraphZooBuilder.Build(zoo, graphs, new PeOptions { K = 4 });
        var g = GraphZoo.Load(graphs);
        var options = new BenchmarkOptions { Seeds = 2 };
        string Csv() => NetworkBenchmark.ToCsv(
            NetworkBenchmark.Run(g, NetworkBenchmark.Models(g, options, CpuBackend.Default), options));
        string first = Csv();
        Assert.Equal(first, Csv());
        var lines = first.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(NetworkBenchmark.ResultsHeader, lines[0]);
        Assert.Equal(1 + 4 * 3 * 2 * 2, lines.Length); // 4 models × 3 targets × 2 checkpoint sets × 2 seeds
        Assert.Contains(lines,
            l => l.StartsWith("\"baseline: StatNN + boosted trees\",test,all,0,", StringComparison.Ordinal));
    }
}

/// <summary>
/// The supervised structural predictor: its loss's gradients match finite differences (reference backend, double),
/// and it learns a target the graphs carry.
/// </summary>
public sealed class SupervisedGraphRegressorTests
{
    private static List<NetworkGraph> MoonGraphs(string dir, int runs, int epochs)
    {
        string zoo = Path.Combine(dir, "zoo"), graphs = Path.Combine(dir, "graphs");
        var spec = new ZooSpec
        {
            Task = "two-moons", Runs = runs, Epochs = epochs, Output = zoo, Seed = 4, MaxTrain = 300, MaxTest = 200,
        };
        new ZooRunner(spec, CpuBackend.Default).Run();
        GraphZooBuilder.Build(zoo, graphs, new PeOptions { K = 4 });
        return [.. GraphZooBuilder.Load(graphs).SelectMany(r => r.Graphs)];
    }

    [Fact]
    public void The_readout_loss_passes_the_gradient_check()
    {
        using var dir = new TempDir();
        var graphs = MoonGraphs(dir.Path, runs: 1, epochs: 1).Take(2).ToList();
        var backend = StructureReps.Core.Backends.Reference.ReferenceBackend.Instance;
        var config = StructureReps.Graphs.Encoding.EncoderConfig.Named("ea-tc-lf")
            with
        { K = 4, Hidden = 4, Latent = 3, EdgeNoise = 0 };
        var model = new SupervisedGraphRegressor.Model(config, 1, new Rng(1), backend);
        var features = graphs
            .Select(g => StructureReps.Graphs.Encoding.GraphBatch.InputFeatures(config, g, null, [])).ToList();
        var batch = new StructureReps.Graphs.Encoding.GraphBatch(graphs, features, 4, g => g.EdgeFeatures, true, backend);
        var target = Tensor.From([0.5f, -1f], [2], backend);
        model.Eval(); // no edge noise: a deterministic function of the weights
        ModuleGradCheck.Check("supervised readout", () => Ops.MeanAll(Ops.Square(model.Predict(batch, 2, null) - target)),
            model.NamedParameters().Where(p => p.Name.StartsWith("readout", StringComparison.Ordinal) || p.Name.Contains("conv_mu")), rtol: 1e-4, atol: 1e-6);
    }

    [Fact]
    [Trait("Speed", "slow")]
    public void It_learns_the_epoch_of_a_checkpoint_from_its_graph()
    {
        using var dir = new TempDir();
        var graphs = MoonGraphs(dir.Path, runs: 6, epochs: 8);
        var config = StructureReps.Graphs.Encoding.EncoderConfig.Named("ea-tc-lf") with { K = 4, BatchGraphs = 16 };
        var regressor = new SupervisedGraphRegressor(graphs, config, CpuBackend.Default, epochs: 25, patience: 25);
        int[] Rows(Func<int, bool> runs) => [.. Enumerable.Range(0, graphs.Count).Where(i => runs(graphs[i].Targets.Run))];
        int[] train = Rows(r => r < 4), validation = Rows(r => r == 4), test = Rows(r => r == 5);
        List<double[]> X(int[] rows) => [.. rows.Select(i => new double[] { i })];
        List<double> Y(int[] rows) => [.. rows.Select(i => (double)graphs[i].Targets.Epoch)];
        var predict = regressor.Fit(X(train), Y(train), X(validation), Y(validation));
        double tau = StructureReps.Decoding.Probing.Correlation.Kendall(predict(X(test)), Y(test));
        Assert.True(tau > 0.5, $"Kendall τ of the predicted epoch on a held-out network: {tau:F3}");
    }
}
