using StructureReps.Core;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Spectral;
using StructureReps.Nn.Serialization;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Models;

namespace StructureReps.Tests.Graphs;

public class GraphBuilderTests
{
    private static readonly CheckpointTargets Targets = new(3, 7, 0.9, 0.8, 0.3, 0.4);

    [Fact]
    public void Mlp_2_3_1_becomes_6_nodes_and_9_edges_with_the_weights_as_features()
    {
        // layers.0.weight [3, 2] = [[1, 2], [3, 4], [5, 6]]; layers.1.weight [1, 3] = [[7, 8, 9]].
        var arch = Architecture.Mlp(2, 3, 1);
        NamedArray[] sd =
        [
            new("layers.0.weight", [3, 2], [1, 2, 3, 4, 5, 6]), new("layers.0.bias", [3], [0.1f, 0.2f, 0.3f]),
            new("layers.1.weight", [1, 3], [7, 8, 9]), new("layers.1.bias", [1], [0.5f]),
        ];
        var g = GraphBuilder.Build(arch, sd, 1, Targets, "test");
        Assert.Equal(6, g.NodeCount);
        Assert.Equal(2 * 3 + 3 * 1, g.EdgeCount);
        // Nodes: inputs 0, 1; hidden 2, 3, 4; output 5. Edge i→o of layer 0 carries W[o, i].
        Assert.Equal([0, 1, 0, 1, 0, 1, 2, 3, 4], g.Topology.Source);
        Assert.Equal([2, 2, 3, 3, 4, 4, 5, 5, 5], g.Topology.Target);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8, 9], g.EdgeFeatures);
        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 1, 1], g.Topology.EdgeLayer);
        Assert.Equal([0f, 0, 0.1f, 0.2f, 0.3f, 0.5f], g.NodeBias);
    }

    [Fact]
    public void Cnn_with_1x1_and_5x5_kernels_pads_centred_to_25_features_and_puts_the_head_at_the_centre()
    {
        // 2 input channels → conv1×1(3) → conv5×5(2) → GAP → linear(2 → 2).
        var arch = Architecture.Cnn([2, 8, 8], [new(3, 1), new(2, 5)], 2);
        Assert.Equal(25, GraphBuilder.EdgeDim([arch]));
        var rng = new Rng(1);
        var net = arch.Build(rng);
        var sd = net.Module.StateDict();
        var g = GraphBuilder.Build(arch, sd, 25, Targets, "test");
        Assert.Equal(2 + 3 + 2 + 2, g.NodeCount);
        Assert.Equal(2 * 3 + 3 * 2 + 2 * 2, g.EdgeCount);
        var w0 = sd.Single(t => t.Name == "convs.0.weight").Data; // [3, 2, 1, 1]
        var w1 = sd.Single(t => t.Name == "convs.1.weight").Data; // [2, 3, 5, 5]
        var head = sd.Single(t => t.Name == "head.weight").Data; // [2, 2]
        // Edge 1 of layer 0 is input channel 1 → conv0 channel 0: W0[0, 1] sits at row 2, column 2 (index 12).
        var e1 = g.EdgeFeatures.AsSpan(1 * 25, 25).ToArray();
        Assert.Equal(w0[1], e1[12]);
        Assert.Equal(24, e1.Count(v => v == 0));
        // Layer 1 starts at edge 6; its edge 6 + 1·3 + 2 is conv0 channel 2 → conv1 channel 1: the whole 5×5 filter, row-major.
        var e = g.EdgeFeatures.AsSpan((6 + 5) * 25, 25).ToArray();
        Assert.Equal(w1.AsSpan((1 * 3 + 2) * 25, 25).ToArray(), e);
        // Head edge channel 1 → class 0 (edge 12 + 0·2 + 1): its weight at the centre, zeros elsewhere.
        var h = g.EdgeFeatures.AsSpan((12 + 1) * 25, 25).ToArray();
        Assert.Equal(head[0 * 2 + 1], h[12]);
        Assert.Equal(24, h.Count(v => v == 0));
        Assert.Equal([2, 3, 2, 2], g.Topology.LayerSizes);
    }

    [Fact]
    public void A_3x3_zoo_checkpoint_in_a_5x5_zoo_is_padded_by_one_on_each_side()
    {
        var arch = Architecture.Cnn([1, 6, 6], [new(1, 3)], 1);
        NamedArray[] sd =
        [
            new("convs.0.weight", [1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]), new("convs.0.bias", [1], [0]),
            new("head.weight", [1, 1], [10]), new("head.bias", [1], [0]),
        ];
        var g = GraphBuilder.Build(arch, sd, 25, Targets, "test");
        float[] expected =
        [
            0, 0, 0, 0, 0,
            0, 1, 2, 3, 0,
            0, 4, 5, 6, 0,
            0, 7, 8, 9, 0,
            0, 0, 0, 0, 0,
        ];
        Assert.Equal(expected, g.EdgeFeatures[..25]);
        Assert.Equal(10f, g.EdgeFeatures[25 + 12]);
    }

    [Fact]
    public void A_checkpoint_that_does_not_fit_the_architecture_names_the_file_and_the_tensor()
    {
        var arch = Architecture.Mlp(2, 3, 1);
        NamedArray[] wrong = [new("layers.0.weight", [3, 4], new float[12]), new("layers.1.weight", [1, 3], new float[3])];
        var e = Assert.Throws<DataFormatException>(() => GraphBuilder.Build(arch, wrong, 1, Targets, "run-0001/epoch-0003.safetensors"));
        Assert.Contains("epoch-0003.safetensors", e.Message);
        Assert.Contains("layers.0.weight", e.Message);
        Assert.Contains("[3, 2]", e.Message);
        NamedArray[] missing = [new("layers.0.weight", [3, 2], new float[6])];
        e = Assert.Throws<DataFormatException>(() => GraphBuilder.Build(arch, missing, 1, Targets, "x.safetensors"));
        Assert.Contains("layers.1.weight", e.Message);
    }

    [Fact]
    public void Graph_file_round_trips_every_value()
    {
        using var dir = new TempDir();
        var arch = Architecture.Cnn([3, 8, 8], [new(4, 3, 1, 1, 2), new(5, 3)], 10);
        var topology = GraphBuilder.Topology(arch);
        var graphs = Enumerable.Range(0, 3).Select(epoch =>
        {
            var net = arch.Build(new Rng((ulong)epoch));
            var g = GraphBuilder.Build(arch, net.Module.StateDict(), 9, new CheckpointTargets(4, epoch, 0.1 * epoch, 0.2, 2.5, 2.6), "mem", topology);
            var pe = LaplacianPe.Compute(g);
            g.PositionalEncoding = pe.Features;
            g.Eigenvalues = pe.Eigenvalues;
            return g;
        }).ToList();
        var rf = StructureReps.Graphs.Features.RandomFeatures.Compute(topology.NodeCount, 8);
        var run = new RunGraphs("cifar10", 4, arch, "accuracy", 8, "dense test", graphs, rf);
        string path = dir.File("run-0004.safetensors");
        GraphFile.Write(path, run);
        var back = GraphFile.Read(path);
        Assert.Equal(3, GraphFile.Checkpoints(path));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(arch), System.Text.Json.JsonSerializer.Serialize(back.Architecture)); // records with arrays compare by reference
        Assert.Equal(rf, back.RandomFeatures);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(graphs[i].EdgeFeatures, back.Graphs[i].EdgeFeatures);
            Assert.Equal(graphs[i].NodeBias, back.Graphs[i].NodeBias);
            Assert.Equal(graphs[i].PositionalEncoding, back.Graphs[i].PositionalEncoding);
            Assert.Equal(graphs[i].Targets.Epoch, back.Graphs[i].Targets.Epoch);
            Assert.Equal((float)graphs[i].Targets.TrainPerformance, (float)back.Graphs[i].Targets.TrainPerformance);
            Assert.Equal(graphs[i].Topology.Source, back.Graphs[i].Topology.Source);
        }
        var tensors = SafeTensors.ReadInfo(path).Tensors.ToDictionary(t => t.Name, t => t.Shape);
        Assert.Equal([3, topology.EdgeCount, 9], tensors["edge_attr"]);
        Assert.Equal([3, topology.NodeCount, 8], tensors["lf"]);
    }
}
