using System.Text.Json;
using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Spectral;
using StructureReps.Nn.Serialization;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Import;
using StructureReps.Zoo.Models;
using StructureReps.Zoo.Training;

namespace StructureReps.Tests.Zoo;

/// <summary>
/// `zoo import`: architectures inferred from foreign key names and shapes, BatchNorm folded, unsupported layers and
/// pickled files refused by name, checkpoint names with any numbering and gaps, metrics mapped by column name.
/// </summary>
public sealed class ZooImportTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static NamedArray T(string name, int[] shape, Func<int, float> value) =>
        new(name, shape, Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(value).ToArray());

    [Fact]
    public void A_pytorch_sequential_mlp_is_inferred_and_reproduces_torchs_output()
    {
        var (arch, tensors) = ForeignNetwork.Read(Fixture("torch_mlp.safetensors"));
        Assert.Equal("MLP 4-8-8-3", arch.ToString());
        var net = arch.Build(new Rng(0), CpuBackend.Default);
        net.Module.LoadStateDict(tensors, "import");
        net.Module.Eval();
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture("torch_mlp.json")));
        var input = doc.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var expected = doc.RootElement.GetProperty("output").EnumerateArray().Select(e => (double)e.GetSingle()).ToArray();
        var y = net.Forward(Tensor.From(input, [5, 4], CpuBackend.Default)).ToArray();
        Numerics.AssertClose(expected, y.Select(v => (double)v).ToArray(), 1e-5, 1e-6, "imported MLP vs torch");
    }

    [Theory]
    [InlineData("torch_mlp_bn", "MLP 4-8-3", null)]
    [InlineData("torch_cnn_bn", "CNN 1×7×7 → conv3×3(4) → conv3×3(6) → GAP → 3", new[] { 1, 7, 7 })]
    public void PyTorch_networks_with_BatchNorm_fold_to_torchs_eval_outputs(string fixture, string expectedArch, int[]? input)
    {
        // Written by real PyTorch (make_torch_fixtures.py): running statistics from training-mode passes, outputs in
        // eval mode; the CNN's modules are named conv1, bn1, conv2, bn2, fc (name order is not layer order).
        var (arch, tensors) = ForeignNetwork.Read(Fixture(fixture + ".safetensors"), input);
        Assert.Equal(expectedArch, arch.ToString());
        var net = arch.Build(new Rng(0), CpuBackend.Default);
        net.Module.LoadStateDict(tensors, fixture);
        net.Module.Eval();
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture(fixture + ".json")));
        var x = doc.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var shape = doc.RootElement.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var expected = doc.RootElement.GetProperty("output").EnumerateArray().Select(e => (double)e.GetSingle()).ToArray();
        var y = net.Forward(Tensor.From(x, shape, CpuBackend.Default)).ToArray();
        Numerics.AssertClose(expected, y.Select(v => (double)v).ToArray(), 1e-4, 1e-5, $"{fixture}: folded vs torch eval");
    }

    [Fact]
    public void A_pytorch_layernorm_is_refused_naming_it()
    {
        var e = Assert.Throws<DataFormatException>(() => ForeignNetwork.Read(Fixture("torch_layernorm.safetensors")));
        Assert.Contains("1.weight", e.Message);
        Assert.Contains("LayerNorm", e.Message);
    }

    [Fact]
    public void A_pytorch_cnn_with_named_modules_keeps_its_layers_in_order()
    {
        var (arch, tensors) = ForeignNetwork.Read(Fixture("torch_cnn.safetensors"), [1, 7, 7]);
        Assert.Equal([4, 4], arch.Convs!.Select(c => c.Out));
        Assert.Equal(3, arch.Classes);
        Assert.Equal(["convs.0.weight", "convs.0.bias", "convs.1.weight", "convs.1.bias", "head.weight", "head.bias"], tensors.Select(t => t.Name));
    }

    [Fact]
    public void BatchNorm_is_folded_into_the_layer_before_it_as_in_eval_mode()
    {
        // Sequential(Linear(3, 4), BatchNorm1d(4), ReLU, Linear(4, 2)) as a state_dict.
        var w0 = T("0.weight", [4, 3], i => 0.1f * (i - 5));
        var b0 = T("0.bias", [4], i => 0.2f * i);
        var gamma = T("1.weight", [4], i => 1 + 0.5f * i);
        var beta = T("1.bias", [4], i => -0.1f * i);
        var mean = T("1.running_mean", [4], i => 0.3f * i - 0.2f);
        var variance = T("1.running_var", [4], i => 0.5f + i);
        var tracked = T("1.num_batches_tracked", [1], _ => 7);
        var w3 = T("3.weight", [2, 4], i => 0.05f * (i + 1));
        var b3 = T("3.bias", [2], i => i);
        using var dir = new TempDir();
        string path = dir.File("bn.safetensors");
        SafeTensors.Write(path, [w0, b0, gamma, beta, mean, variance, tracked, w3, b3]);

        var (arch, tensors) = ForeignNetwork.Read(path);
        Assert.Equal("MLP 3-4-2", arch.ToString());
        var net = arch.Build(new Rng(0), CpuBackend.Default);
        net.Module.LoadStateDict(tensors, path);
        net.Module.Eval();
        float[] x = [0.7f, -1.2f, 2.0f];
        var ours = net.Forward(Tensor.From(x, [1, 3], CpuBackend.Default)).ToArray();
        // By hand, in double: the network PyTorch evaluates.
        var h = new double[4];
        for (int o = 0; o < 4; o++)
        {
            double z = b0.Data[o];
            for (int i = 0; i < 3; i++) z += w0.Data[o * 3 + i] * x[i];
            z = (z - mean.Data[o]) / Math.Sqrt(variance.Data[o] + 1e-5) * gamma.Data[o] + beta.Data[o];
            h[o] = Math.Max(0, z);
        }
        var expected = Enumerable.Range(0, 2).Select(o => b3.Data[o] + Enumerable.Range(0, 4).Sum(i => w3.Data[o * 4 + i] * h[i])).ToArray();
        Numerics.AssertClose(expected, ours.Select(v => (double)v).ToArray(), 1e-5, 1e-6, "folded BatchNorm");
    }

    [Theory]
    [InlineData("layernorm", "LayerNorm or GroupNorm")]
    [InlineData("flatten", "flatten classifier")]
    [InlineData("embedding", "not a weight, bias or BatchNorm statistic")]
    [InlineData("chain", "takes 5 inputs, but the layer before gives 4")]
    public void Unsupported_networks_are_refused_naming_the_tensor(string kind, string expected)
    {
        using var dir = new TempDir();
        string path = dir.File($"{kind}.safetensors");
        NamedArray[] tensors = kind switch
        {
            "layernorm" => [T("fc1.weight", [4, 3], _ => 1), T("ln.weight", [4], _ => 1), T("ln.bias", [4], _ => 0), T("fc2.weight", [2, 4], _ => 1)],
            "flatten" => [T("conv.weight", [4, 1, 3, 3], _ => 1), T("fc.weight", [2, 4 * 5 * 5], _ => 1)],
            "embedding" => [T("emb.table", [10, 4], _ => 1), T("fc.weight", [2, 4], _ => 1)],
            _ => [T("a.weight", [4, 3], _ => 1), T("b.weight", [2, 5], _ => 1)],
        };
        SafeTensors.Write(path, tensors);
        var e = Assert.Throws<DataFormatException>(() => ForeignNetwork.Read(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_folder_of_checkpoints_with_gaps_and_foreign_metrics_becomes_a_zoo_graphs_build_reads()
    {
        using var dir = new TempDir();
        string from = dir.File("torch"), zoo = dir.File("zoo"), graphs = dir.File("graphs");
        foreach (var run in new[] { "seed1", "seed2" })
        {
            Directory.CreateDirectory(Path.Combine(from, run));
            foreach (int epoch in new[] { 0, 2, 3 })
                File.Copy(Fixture("torch_mlp.safetensors"), Path.Combine(from, run, $"ckpt_{epoch:D3}.safetensors"));
            File.WriteAllLines(Path.Combine(from, run, "metrics.csv"),
                ["epoch,train_acc,val_acc,val_loss", "0,0.5,0.4,1.1", "1,0.6,0.5,1.0", "2,0.7,0.6,0.9", "3,0.8,0.7,0.8"]);
        }
        var runs = ZooImport.Import(from, zoo, "mine");
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal([1], r.Gaps));
        Assert.Contains("test_perf ← val_acc", runs[0].Targets);
        var info = new RunFiles(Path.Combine(zoo, "run-0001")).ReadInfo()!;
        Assert.Equal("accuracy", info.Performance);
        var metrics = new RunFiles(Path.Combine(zoo, "run-0001")).ReadMetrics();
        Assert.Equal(0.7, metrics[3].TestPerformance);
        Assert.True(double.IsNaN(metrics[3].TrainLoss)); // no train_loss column: NaN, not invented

        GraphZooBuilder.Build(zoo, graphs, new PeOptions { K = 4 });
        var built = GraphZooBuilder.Load(graphs);
        Assert.Equal([0, 2, 3], built[0].Graphs.Select(g => g.Targets.Epoch));
        Assert.Equal(0.6, built[0].Graphs[1].Targets.TestPerformance, 6);
    }

    [Fact]
    public void A_folder_of_networks_one_per_file_imports_with_targets_by_file_name()
    {
        using var dir = new TempDir();
        string from = dir.File("nets");
        Directory.CreateDirectory(from);
        foreach (var name in new[] { "net_a", "net_b", "net_c" }) File.Copy(Fixture("torch_mlp.safetensors"), Path.Combine(from, name + ".safetensors"));
        File.WriteAllLines(Path.Combine(from, "metrics.csv"), ["file,test_acc", "net_a.safetensors,0.9", "net_c,0.4"]);
        var runs = ZooImport.Import(from, dir.File("zoo"), "mine", eachFileANetwork: true);
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal([0], r.Epochs));
        double Test(int run) => new RunFiles(Path.Combine(dir.File("zoo"), $"run-{run:D4}")).ReadMetrics()[0].TestPerformance;
        Assert.Equal(0.9, Test(0));
        Assert.True(double.IsNaN(Test(1))); // no row for net_b
        Assert.Equal(0.4, Test(2));
    }

    [Fact]
    public void A_foreign_zoo_goes_through_import_graphs_encoder_probe_and_predict()
    {
        // Our own zoo's checkpoints under foreign names (ckpt_N, the keys layers.L.* are foreign keys too) and a
        // PyTorch-style metrics.csv: the whole path a user's zoo takes, through the commands the README gives.
        using var dir = new TempDir();
        string ours = dir.File("ours"), from = dir.File("from"), zoo = dir.File("zoo"), graphs = dir.File("graphs"), enc = dir.File("enc");
        Assert.Equal(0, StructureReps.Cli.Commands.ZooCommand.Run(["train", "--task", "two-moons", "--runs", "2", "--epochs", "6", "--out", ours]));
        foreach (var run in new[] { 0, 1 })
        {
            string src = Path.Combine(ours, $"run-{run:D4}"), dst = Path.Combine(from, $"seed{run}");
            Directory.CreateDirectory(dst);
            foreach (int e in new[] { 0, 1, 2, 3, 4, 5, 6 }) File.Copy(Path.Combine(src, $"epoch-{e:D4}.safetensors"), Path.Combine(dst, $"ckpt_{e}.safetensors"));
            var metrics = new RunFiles(src).ReadMetrics();
            File.WriteAllLines(Path.Combine(dst, "metrics.csv"), ["epoch,train_acc,val_acc,train_loss,val_loss",
                .. metrics.Select(m => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{m.Epoch},{m.TrainPerformance},{m.TestPerformance},{m.TrainLoss},{m.TestLoss}"))]);
        }
        Assert.Equal(0, StructureReps.Cli.Commands.ZooCommand.Run(["import", "--from", from, "--out", zoo]));
        Assert.Equal(0, StructureReps.Cli.Commands.GraphsCommand.Run(["build", "--zoo", zoo, "--out", graphs]));
        Assert.Equal(0, StructureReps.Cli.Commands.EncodeCommand.Run(["train", "--graphs", graphs, "--out", enc, "--epochs", "2"]));
        Assert.Equal(0, StructureReps.Cli.Commands.DecodeCommand.Run(["--embeddings", Path.Combine(enc, "embeddings.csv"), "--save-probe", dir.File("probe.json")]));
        Assert.Equal(0, StructureReps.Cli.Commands.PredictCommand.Run([Path.Combine(from, "seed1", "ckpt_6.safetensors"),
            "--encoder", Path.Combine(enc, "encoder.safetensors"), "--probe", dir.File("probe.json")]));
        // The imported checkpoints are the same networks: the same graphs as our own zoo's.
        GraphZooBuilder.Build(ours, dir.File("our-graphs"), new PeOptions());
        Assert.Equal(GraphFile.Read(Path.Combine(dir.File("our-graphs"), "run-0001.safetensors")).Graphs[6].EdgeFeatures,
            GraphFile.Read(Path.Combine(graphs, "run-0001.safetensors")).Graphs[6].EdgeFeatures);
    }

    [Theory]
    [InlineData("pickled", "pickled PyTorch files can run code")]
    [InlineData("twice", "epoch 3 again")]
    [InlineData("unnumbered", "no epoch number in the name")]
    public void Foreign_folders_the_import_cannot_read_are_refused_in_one_line(string kind, string expected)
    {
        using var dir = new TempDir();
        string from = dir.File("from");
        Directory.CreateDirectory(from);
        switch (kind)
        {
            case "pickled":
                File.WriteAllBytes(Path.Combine(from, "model.pt"), [0x80, 0x02]);
                break;
            case "twice":
                File.Copy(Fixture("torch_mlp.safetensors"), Path.Combine(from, "epoch-3.safetensors"));
                File.Copy(Fixture("torch_mlp.safetensors"), Path.Combine(from, "epoch_003.safetensors"));
                break;
            default:
                File.Copy(Fixture("torch_mlp.safetensors"), Path.Combine(from, "first.safetensors"));
                File.Copy(Fixture("torch_mlp.safetensors"), Path.Combine(from, "second.safetensors"));
                break;
        }
        var e = Assert.Throws<DataFormatException>(() => ZooImport.Import(from, dir.File("zoo"), "mine"));
        Assert.Contains(expected, e.Message);
    }
}
