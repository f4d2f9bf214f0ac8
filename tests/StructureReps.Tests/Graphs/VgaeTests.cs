using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Core.Backends.Reference;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;
using StructureReps.Graphs.Layers;
using StructureReps.Graphs.Spectral;
using StructureReps.Nn.Optim;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Models;

namespace StructureReps.Tests.Graphs;

public class VgaeTests
{
    /// <summary>Networks as graphs: a few seeded 2-6-5-2 MLPs with LF features (a tiny zoo).</summary>
    internal static List<NetworkGraph> TinyZoo(int count, int[]? sizes = null)
    {
        var arch = Architecture.Mlp(sizes ?? [2, 6, 5, 2]);
        return Enumerable.Range(0, count).Select(i =>
        {
            var g = GraphBuilder.Build(arch, arch.Build(new Rng((ulong)i)).Module.StateDict(), 1, new CheckpointTargets(i, 0, 0.1 * i, 0.05 * i, 1, 1), "mem");
            var pe = LaplacianPe.Compute(g, new PeOptions { K = 8 });
            g.PositionalEncoding = pe.Features;
            g.Eigenvalues = pe.Eigenvalues;
            return g;
        }).ToList();
    }

    [Theory]
    [InlineData("ea-tc-lf")]
    [InlineData("ea-gc-lf")]
    [InlineData("gc-lf")]
    [InlineData("gc-rf")]
    [InlineData("ea-tc-lf", "bilinear")]
    [InlineData("ea-tc-lf", "distance")]
    [InlineData("gc-lf", "bilinear")]
    [InlineData("gc-lf", "distance")]
    public void Vgae_loss_gradients_match_finite_differences(string name, string decoder = "inner")
    {
        var be = ReferenceBackend.Instance;
        var graphs = TinyZoo(2, [2, 3, 2]);
        var config = EncoderConfig.Named(name) with { Hidden = 4, Latent = 3, Decoder = decoder };
        var model = new Vgae(config, 1, new Rng(3), be);
        model.Eval(); // no EA noise: a deterministic loss
        var x = graphs.Select(g => config.Features == NodeFeatureKind.Laplacian ? g.PositionalEncoding! : StructureReps.Graphs.Features.RandomFeatures.Compute(g.NodeCount, 8)).ToList();
        var batch = new GraphBatch(graphs, x, 8, g => g.EdgeFeatures, true, be);
        var negatives = batch.SampleNegatives(new Rng(1));
        var eps = new Rng(2).NormalArray(batch.Nodes * 3);
        Tensor Loss()
        {
            var (mu, ls) = model.Encode(batch);
            var z = mu + Tensor.From(eps, mu.Shape, be) * Ops.Exp(ls);
            return Vgae.Loss(z, mu, ls, batch, negatives, model).Loss;
        }
        ModuleGradCheck.Check(model.ToString(), Loss, model.NamedParameters(), rtol: 1e-4, atol: 1e-6);
    }

    /// <summary>
    /// The layered-graph limit of the inner product, pinned: on the checkpoints of trained two-moons MLPs (the
    /// demo's kind of zoo) the paper's decoder stays near chance while the distance decoder learns to tell edges
    /// (adjacent layers) from non-edges, within a fixed number of seeded epochs. (The bilinear decoder, starting
    /// at the identity, stays at the inner product's saddle on this zoo: not pinned either way.)
    /// </summary>
    [Theory]
    [InlineData("inner", 0.0, 0.7)]
    [InlineData("distance", 0.9, 1.0)]
    public void Layered_decoders_learn_where_the_inner_product_does_not(string decoder, double low, double high)
    {
        var graphs = TrainedMoonsZoo(runs: 4, epochs: 12);
        var config = EncoderConfig.Named("ea-tc-lf") with { Epochs = 30, BatchGraphs = 16, Seed = 0, Decoder = decoder };
        var log = new List<EncoderEpoch>();
        new EncoderTrainer(config, new CpuBackend()).Train(graphs, "t", progress: new Collect(log));
        double auc = log[^1].AucMu;
        Assert.True(auc >= low && auc <= high, $"{decoder}: reconstruction AUC on μ after {config.Epochs} epochs {auc:F3} (on z {log[^1].Auc:F3}), expected in [{low}, {high}]");
    }

    /// <summary>Every checkpoint (epoch 0 … epochs) of <paramref name="runs"/> seeded 2-20-20-2 MLPs trained on two-moons, as graphs.</summary>
    private static List<NetworkGraph> TrainedMoonsZoo(int runs, int epochs)
    {
        var task = StructureReps.Zoo.Data.TwoMoons.Load(seed: 3);
        var arch = Architecture.Mlp(2, 20, 20, 2);
        var graphs = new List<NetworkGraph>();
        for (int r = 0; r < runs; r++)
        {
            var be = new CpuBackend();
            var net = arch.Build(new Rng((ulong)r), be);
            var trainer = new StructureReps.Zoo.Training.Trainer(net, new StructureReps.Zoo.Training.TrainConfig { BatchSize = 32, LearningRate = 0.01f, Seed = (ulong)r }, be);
            for (int e = 0; e <= epochs; e++)
            {
                if (e > 0) trainer.TrainEpoch(task.Train, e);
                var g = GraphBuilder.Build(arch, net.Module.StateDict(), 1, new CheckpointTargets(r, e, 0, 0, 0, 0), "mem");
                var pe = LaplacianPe.Compute(g, new PeOptions { K = 8 });
                g.PositionalEncoding = pe.Features;
                g.Eigenvalues = pe.Eigenvalues;
                graphs.Add(g);
            }
        }
        return graphs;
    }

    private sealed class Collect(List<EncoderEpoch> log) : IEncoderProgress
    {
        public void EpochDone(EncoderEpoch epoch, int epochs) => log.Add(epoch);
    }

    [Fact]
    public void A_batched_disjoint_union_equals_the_graphs_run_one_by_one()
    {
        var be = ReferenceBackend.Instance;
        var graphs = TinyZoo(3);
        foreach (var name in EncoderConfig.Names)
        {
            var config = EncoderConfig.Named(name);
            var model = new Vgae(config, 1, new Rng(5), be);
            model.Eval();
            var enc = new TrainedEncoder(model, config, EdgeStandardizer.Fit(graphs), 1, "t", 0);
            var together = Embedder.Embed(enc, graphs, "t", batchGraphs: 3);
            var alone = graphs.SelectMany(g => Embedder.Embed(enc, [g], "t", batchGraphs: 1)).ToList();
            for (int i = 0; i < 3; i++)
                for (int d = 0; d < together[i].Vector.Length; d++) Assert.Equal(alone[i].Vector[d], together[i].Vector[d], 5);
        }
    }

    [Fact]
    public void Permuting_a_graphs_nodes_leaves_its_pooled_embedding_unchanged()
    {
        var be = ReferenceBackend.Instance;
        var g = TinyZoo(1)[0];
        int n = g.NodeCount;
        var perm = Enumerable.Range(0, n).Reverse().ToArray();
        var src = g.Topology.Source.Concat(g.Topology.Target).ToArray();
        var dst = g.Topology.Target.Concat(g.Topology.Source).ToArray();
        var attr = g.EdgeFeatures.Concat(g.EdgeFeatures).ToArray();
        var x = g.PositionalEncoding!;
        var px = new float[x.Length];
        for (int i = 0; i < n; i++) Array.Copy(x, i * 8, px, perm[i] * 8, 8);
        var a = new GraphBatch(n, src, dst, attr, 1, x, 8, be);
        var b = new GraphBatch(n, src.Select(s => perm[s]).ToArray(), dst.Select(t => perm[t]).ToArray(), attr, 1, px, 8, be);
        var model = new Vgae(EncoderConfig.Named("ea-tc-lf"), 1, new Rng(2), be);
        model.Eval();
        var ma = Ops.Mean(model.Encode(a).Mu, 0).ToDoubleArray();
        var mb = Ops.Mean(model.Encode(b).Mu, 0).ToDoubleArray();
        for (int d = 0; d < ma.Length; d++) Assert.Equal(ma[d], mb[d], 10);
    }

    /// <summary>A two-community graph family (dense inside, sparse across): the inner-product decoder's home ground.</summary>
    private static (int N, List<(int, int)> Edges) Communities(Rng rng, int size = 12)
    {
        var edges = new List<(int, int)>();
        for (int i = 0; i < 2 * size; i++)
            for (int j = i + 1; j < 2 * size; j++)
                if (rng.NextDouble() < (i / size == j / size ? 0.6 : 0.03)) edges.Add((i, j));
        return (2 * size, edges);
    }

    [Fact]
    public void Vgae_reconstructs_held_out_edges_of_a_community_graph_and_its_loss_falls()
    {
        var be = CpuBackend.Default;
        var rng = new Rng(7);
        var (n, edges) = Communities(rng);
        var order = Enumerable.Range(0, edges.Count).ToArray();
        rng.Shuffle(order);
        var heldOut = order.Take(edges.Count / 5).Select(i => edges[i]).ToList();
        var train = order.Skip(edges.Count / 5).Select(i => edges[i]).ToList();
        int[] src = [.. train.Select(e => e.Item1), .. train.Select(e => e.Item2)];
        int[] dst = [.. train.Select(e => e.Item2), .. train.Select(e => e.Item1)];
        var pe = LaplacianPe.Compute(n, src, dst, null, new PeOptions { K = 8 }).Features;
        var batch = new GraphBatch(n, src, dst, Enumerable.Repeat(1f, src.Length).ToArray(), 1, pe, 8, be);
        var model = new Vgae(EncoderConfig.Named("gc-lf"), 1, new Rng(1), be);
        var opt = new Adam(model.Parameters().ToList(), lr: 0.01f);
        var losses = new List<float>();
        for (int step = 0; step < 200; step++)
        {
            var r = Rng.Derive(3, (ulong)step);
            opt.ZeroGrad();
            var (mu, ls) = model.Encode(batch, r);
            var loss = Vgae.Loss(Vgae.Reparametrize(mu, ls, r), mu, ls, batch, batch.SampleNegatives(r)).Loss;
            loss.Backward();
            opt.Step();
            losses.Add(loss.Item());
        }
        Assert.True(losses.TakeLast(20).Average() < 0.8 * losses.Take(5).Average(), $"loss {losses[0]} → {losses[^1]}");
        model.Eval();
        var z = model.Encode(batch).Mu;
        var all = edges.ToHashSet();
        var nonEdges = new List<(int, int)>();
        while (nonEdges.Count < heldOut.Count)
        {
            int u = rng.NextInt(n), v = rng.NextInt(n);
            if (u < v && !all.Contains((u, v))) nonEdges.Add((u, v));
        }
        var pos = Vgae.PairLogits(z, heldOut.Select(e => e.Item1).ToArray(), heldOut.Select(e => e.Item2).ToArray()).ToArray();
        var neg = Vgae.PairLogits(z, nonEdges.Select(e => e.Item1).ToArray(), nonEdges.Select(e => e.Item2).ToArray()).ToArray();
        double auc = Metrics.Auc(pos, neg);
        Assert.True(auc > 0.8, $"held-out reconstruction AUC {auc:F3}");
    }

    [Fact]
    public void Two_seeded_encoder_trainings_give_identical_weights_and_a_resumed_one_too()
    {
        var be = CpuBackend.Default;
        var graphs = TinyZoo(6);
        var config = EncoderConfig.Named("ea-tc-lf") with { Epochs = 4, BatchGraphs = 4, Seed = 9 };
        using var d1 = new TempDir();
        using var d2 = new TempDir();
        var a = new EncoderTrainer(config, be).Train(graphs, "t", d1.Path);
        var b = new EncoderTrainer(config, be).Train(graphs, "t", null);
        // Resume: train 2 epochs, then ask for 4 in the same folder.
        new EncoderTrainer(config with { Epochs = 2 }, be).Train(graphs, "t", d2.Path);
        var c = new EncoderTrainer(config, be).Train(graphs, "t", d2.Path);
        foreach (var ((name, pa), (_, pb), (_, pc)) in a.Model.NamedParameters().Zip(b.Model.NamedParameters(), c.Model.NamedParameters()))
        {
            Assert.True(pa.ToArray().SequenceEqual(pb.ToArray()), $"{name} differs between two seeded runs");
            Assert.True(pa.ToArray().SequenceEqual(pc.ToArray()), $"{name} differs after resuming");
        }
        Assert.Equal(File.ReadAllLines(Path.Combine(d1.Path, EncoderTrainer.LogFileName)).Select(l => string.Join(',', l.Split(',')[..5])),
            File.ReadAllLines(Path.Combine(d2.Path, EncoderTrainer.LogFileName)).Select(l => string.Join(',', l.Split(',')[..5])));
        var back = EncoderFile.Read(Path.Combine(d1.Path, EncoderTrainer.EncoderFileName), be);
        Assert.Equal(4, back.Epoch);
        Assert.Equal(Embedder.Embed(a, graphs, "t")[0].Vector, Embedder.Embed(back, graphs, "t")[0].Vector);
    }

    private sealed class EncoderNotes : IEncoderProgress
    {
        public readonly List<string> Lines = [];
        public void EpochDone(EncoderEpoch epoch, int epochs) { }
        public void Note(string message) => Lines.Add(message);
    }

    [Fact]
    public void Resuming_on_a_changed_graph_set_starts_over_and_says_so()
    {
        var be = CpuBackend.Default;
        var config = EncoderConfig.Named("ea-tc-lf") with { Epochs = 3, BatchGraphs = 4, Seed = 9 };
        var before = TinyZoo(4);
        var after = TinyZoo(6); // the graph zoo grew
        using var dir = new TempDir();
        new EncoderTrainer(config with { Epochs = 2 }, be).Train(before, "t", dir.Path);
        var notes = new EncoderNotes();
        var resumed = new EncoderTrainer(config, be).Train(after, "t", dir.Path, notes);
        Assert.Contains(notes.Lines, l => l.Contains("trained on other graphs than these") && l.Contains("starts over"));
        var fresh = new EncoderTrainer(config, be).Train(after, "t", null);
        foreach (var ((name, pa), (_, pb)) in resumed.Model.NamedParameters().Zip(fresh.Model.NamedParameters()))
            Assert.True(pa.ToArray().SequenceEqual(pb.ToArray()), $"{name}: the restarted training differs from a fresh one");
        Assert.Equal(EncoderTrainer.Fingerprint(after), EncoderFile.Read(Path.Combine(dir.Path, EncoderTrainer.EncoderFileName), be).TrainedOn);
    }

    [Fact]
    public void A_non_finite_loss_stops_encoder_training_naming_the_epoch_and_keeps_the_last_good_one()
    {
        var be = CpuBackend.Default;
        var graphs = TinyZoo(4);
        using var dir = new TempDir();
        var config = EncoderConfig.Named("ea-tc-lf") with { Epochs = 3, BatchGraphs = 4, Seed = 9, LearningRate = 1e30f };
        var e = Assert.Throws<InvalidOperationException>(() => new EncoderTrainer(config, be).Train(graphs, "t", dir.Path));
        Assert.Matches(@"the loss became (NaN|-?∞|-?Infinity) in epoch \d", e.Message);
        int epoch = int.Parse(System.Text.RegularExpressions.Regex.Match(e.Message, @"in epoch (\d+)").Groups[1].Value);
        string log = Path.Combine(dir.Path, EncoderTrainer.LogFileName);
        Assert.Equal(epoch == 1 ? 0 : epoch, File.Exists(log) ? File.ReadAllLines(log).Length : 0); // header + the epochs before it
    }

    [Fact]
    public void A_folder_holding_a_longer_trained_encoder_is_refused_not_returned_as_the_shorter_one()
    {
        var be = CpuBackend.Default;
        var graphs = TinyZoo(4);
        var config = EncoderConfig.Named("ea-tc-lf") with { Epochs = 3, BatchGraphs = 4, Seed = 9 };
        using var dir = new TempDir();
        new EncoderTrainer(config, be).Train(graphs, "t", dir.Path);
        var e = Assert.Throws<InvalidOperationException>(() => new EncoderTrainer(config with { Epochs = 2 }, be).Train(graphs, "t", dir.Path));
        Assert.Contains("trained for 3 epochs, 2 asked", e.Message);
        Assert.Contains(EncoderTrainer.EncoderFileName, e.Message);
        Assert.Equal(3, new EncoderTrainer(config, be).Train(graphs, "t", dir.Path).Epoch); // the same length: reused
    }

    [Theory]
    [InlineData("epoch", "-1", "encoder.safetensors: __metadata__.epoch: '-1', expected an integer ≥ 0")]
    [InlineData("epoch", "12x", "encoder.safetensors: __metadata__.epoch: '12x'")]
    public void Bad_integer_metadata_in_an_encoder_file_names_the_field(string key, string value, string expected)
    {
        var be = CpuBackend.Default;
        var graphs = TinyZoo(4);
        using var dir = new TempDir();
        new EncoderTrainer(EncoderConfig.Named("ea-tc-lf") with { Epochs = 1, BatchGraphs = 4 }, be).Train(graphs, "t", dir.Path);
        string path = Path.Combine(dir.Path, EncoderTrainer.EncoderFileName);
        var (tensors, meta) = StructureReps.Nn.Serialization.SafeTensors.Read(path);
        meta[key] = value;
        StructureReps.Nn.Serialization.SafeTensors.Write(path, tensors, meta);
        var e = Assert.Throws<StructureReps.Core.DataFormatException>(() => EncoderFile.Read(path, be));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_garbled_train_log_or_optimizer_state_stops_the_resume_naming_the_file()
    {
        var be = CpuBackend.Default;
        var graphs = TinyZoo(4);
        var config = EncoderConfig.Named("ea-tc-lf") with { Epochs = 2, BatchGraphs = 4 };
        using var dir = new TempDir();
        new EncoderTrainer(config, be).Train(graphs, "t", dir.Path);
        string log = Path.Combine(dir.Path, EncoderTrainer.LogFileName);
        var lines = File.ReadAllLines(log);
        File.WriteAllLines(log, [lines[0], "one,two", .. lines[2..]]);
        var e = Assert.Throws<StructureReps.Core.DataFormatException>(() => new EncoderTrainer(config with { Epochs = 3 }, be).Train(graphs, "t", dir.Path));
        Assert.Equal(log, e.File);
        Assert.Equal("line 2", e.Field);

        File.WriteAllLines(log, lines);
        string state = Directory.GetFiles(dir.Path, "state.safetensors").Single();
        var (tensors, meta) = StructureReps.Nn.Serialization.SafeTensors.Read(state);
        meta.Remove("step");
        StructureReps.Nn.Serialization.SafeTensors.Write(state, tensors, meta);
        e = Assert.Throws<StructureReps.Core.DataFormatException>(() => new EncoderTrainer(config with { Epochs = 3 }, be).Train(graphs, "t", dir.Path));
        Assert.Equal(state, e.File);
        Assert.Equal("__metadata__.step", e.Field);
    }

    [Fact]
    public void Auc_counts_ties_as_half()
    {
        Assert.Equal(1.0, Metrics.Auc([3, 4], [1, 2]));
        Assert.Equal(0.0, Metrics.Auc([1], [2, 3]));
        Assert.Equal(0.5, Metrics.Auc([1, 1], [1, 1]));
        Assert.Equal(0.875, Metrics.Auc([2, 1], [1, 0])); // pairs: 2>1, 2>0, 1=1 (½), 1>0 → 3.5 / 4
        // Large inputs (|P|² beyond int): every positive above every negative is still exactly 1.
        var pos = Enumerable.Range(0, 100_000).Select(i => 1f + i).ToArray();
        var neg = Enumerable.Range(0, 100_000).Select(i => -1f - i).ToArray();
        Assert.Equal(1.0, Metrics.Auc(pos, neg));
    }

    [Fact]
    public void The_VGAE_takes_its_encoder_modules_as_PyG_VGAE_does_and_the_named_configuration_builds_the_same()
    {
        var config = EncoderConfig.Named("ea-gc-lf") with { K = 4 };
        var named = new Vgae(config, 1, new Rng(3), ReferenceBackend.Instance);
        var rng = new Rng(3);
        var encoder = VgaeEncoder.Build(config, 1, rng, ReferenceBackend.Instance);
        var given = new Vgae(config, 1, encoder);
        Assert.Equal(named.StateDict().Select(t => (t.Name, t.Data)), given.StateDict().Select(t => (t.Name, t.Data)));
        Assert.Contains(encoder.Conv1.ToString()!, given.ToString());

        var e = Assert.Throws<ArgumentException>(() => new Vgae(config, 1, encoder with { ConvMu = new NotAModule() }));
        Assert.Contains("conv_mu: NotAModule is not a Module", e.Message);
    }

    private sealed class NotAModule : IGraphConv
    {
        public Tensor Forward(Tensor x, MessageGraph g, Tensor? edgeAttr, Rng? rng, SelfLoopCache? loops) => x;
    }
}
