using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;
using StructureReps.Graphs.Encoding.Objectives;
using StructureReps.Graphs.Layers;
using StructureReps.Graphs.Spectral;
using StructureReps.Nn.Modules;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Training;

namespace StructureReps.Tests.Graphs;

/// <summary>
/// A message-passing layer of a test's own, written with the MessagePassing helper: h_i = W x_i + mean over incoming
/// j of W x_j. Its file and one registration.
/// </summary>
public sealed class NeighbourMeanConv : Module, IGraphConv
{
    public static readonly GraphLayerKind Kind = GraphLayers.Register(new("test-mean", "MEAN",
        a => new NeighbourMeanConv(a.In, a.Out, a.Rng, a.Backend)));

    private readonly Linear _lin;

    public NeighbourMeanConv(int inWidth, int outWidth, Rng rng, Core.Backends.IBackend? backend) =>
        _lin = RegisterModule("lin", new Linear(inWidth, outWidth, rng, backend: backend));

    public Tensor Forward(Tensor x, MessageGraph g, Tensor? edgeAttr, Rng? rng, SelfLoopCache? loops)
    {
        var h = _lin.Forward(x);
        return h + MessagePassing.Propagate(h, g, Aggregation.Mean);
    }
}

/// <summary>
/// The seams above the engine: a new graph layer is its own file and one registration (above) and then trains,
/// saves, reloads and embeds like the built-in ones; a training objective other than the VGAE's plugs into the
/// same trainer.
/// </summary>
public sealed class ExtensionSeamTests
{
    private static List<NetworkGraph> Graphs(string dir)
    {
        string zoo = Path.Combine(dir, "zoo"), graphs = Path.Combine(dir, "graphs");
        new ZooRunner(new ZooSpec
        {
            Task = "two-moons", Runs = 2, Epochs = 3, Output = zoo, Seed = 5, MaxTrain = 300, MaxTest = 200,
        }, CpuBackend.Default).Run();
        GraphZooBuilder.Build(zoo, graphs, new PeOptions { K = 4 });
        return GraphZooBuilder.Load(graphs).SelectMany(r => r.Graphs).ToList();
    }

    [Fact]
    public void A_registered_layer_trains_saves_reloads_and_embeds()
    {
        using var dir = new TempDir();
        var graphs = Graphs(dir.Path);
        var config = EncoderConfig.Named("ea-tc-lf") with
        {
            Conv = NeighbourMeanConv.Kind.Name,
            K = 4,
            Epochs = 2,
            BatchGraphs = 4,
        };
        Assert.Equal("EA+MEAN+LF", config.Label);
        string enc = dir.File("enc");
        var trained = new EncoderTrainer(config, CpuBackend.Default).Train(graphs, "two-moons", enc);
        var reread = EncoderFile.Read(Path.Combine(enc, EncoderTrainer.EncoderFileName), CpuBackend.Default);
        Assert.Equal("test-mean", reread.Config.Conv);
        var a = Embedder.Embed(trained, graphs, "two-moons");
        var b = Embedder.Embed(reread, graphs, "two-moons");
        Assert.Equal(a.Select(r => r.Vector), b.Select(r => r.Vector));
        Assert.Contains(trained.Model.NamedParameters(), p => p.Name == "conv1.lin.weight");
    }

    [Fact]
    public void An_unregistered_layer_name_in_an_encoder_file_is_named()
    {
        using var dir = new TempDir();
        var graphs = Graphs(dir.Path);
        string enc = dir.File("enc");
        new EncoderTrainer(EncoderConfig.Named("gc-lf") with { K = 4, Epochs = 1 }, CpuBackend.Default)
            .Train(graphs, "two-moons", enc);
        string file = Path.Combine(enc, EncoderTrainer.EncoderFileName);
        var (tensors, meta) = StructureReps.Nn.Serialization.SafeTensors.Read(file);
        meta["config"] = meta["config"].Replace("\"conv\": \"gc\"", "\"conv\": \"nope\"");
        StructureReps.Nn.Serialization.SafeTensors.Write(file, tensors, meta);
        var e = Assert.Throws<DataFormatException>(() => EncoderFile.Read(file));
        Assert.Contains("config.conv", e.Message);
        Assert.Contains("nope", e.Message);
    }

    /// <summary>
    /// An objective of a test's own: pull every node's μ to zero. The trainer steps it; the log has its loss.
    /// </summary>
    private sealed class ShrinkObjective : IEncoderObjective
    {
        public string Name => "shrink";

        public IObjectiveStep Forward(Vgae model, GraphBatch batch, Rng rng) =>
            new Step(Ops.MeanAll(Ops.Square(model.Encode(batch, rng).Mu)));

        private sealed record Step(Tensor Loss) : IObjectiveStep
        {
            public void Record(EpochTally tally)
            {
                tally.Loss += Loss.Item();
                tally.Batches++;
            }
        }
    }

    [Fact]
    public void Another_objective_plugs_into_the_trainer()
    {
        using var dir = new TempDir();
        var graphs = Graphs(dir.Path);
        var trainer = new EncoderTrainer(EncoderConfig.Named("ea-tc-lf") with { K = 4, Epochs = 15, BatchGraphs = 8 },
            CpuBackend.Default)
        {
            Objective = new ShrinkObjective(),
        };
        trainer.Train(graphs, "two-moons");
        Assert.True(trainer.Log[^1].Loss < trainer.Log[0].Loss / 2,
            $"loss {trainer.Log[0].Loss} → {trainer.Log[^1].Loss}");
        Assert.True(double.IsNaN(trainer.Log[^1].Auc)); // no reconstruction: no AUC reported
    }
}

/// <summary>The MessagePassing helper's aggregations, by hand on a three-node graph.</summary>
public sealed class MessagePassingTests
{
    [Fact]
    public void Aggregations_combine_each_nodes_incoming_rows_by_hand()
    {
        // Edges 0→2, 1→2, 2→0; node 1 receives nothing.
        var g = new MessageGraph(3, [0, 1, 2], [2, 2, 0]);
        var x = Tensor.From([1f, 10f, 2f, 20f, 4f, 40f], [3, 2], CpuBackend.Default);
        Assert.Equal([4f, 40f, 0f, 0f, 3f, 30f], MessagePassing.Propagate(x, g, Aggregation.Sum).ToArray());
        Assert.Equal([4f, 40f, 0f, 0f, 1.5f, 15f], MessagePassing.Propagate(x, g, Aggregation.Mean).ToArray());
        Assert.Equal([4f, 40f, 0f, 0f, 2f, 20f], MessagePassing.Propagate(x, g, Aggregation.Max).ToArray());
        Assert.Equal([4f, 40f, 4f, 40f, 1f, 10f], MessagePassing.Targets(x, g).ToArray());
    }
}
