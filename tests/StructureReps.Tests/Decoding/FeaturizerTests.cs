using StructureReps.Backends.Cpu;
using StructureReps.Cli.Commands;
using StructureReps.Core;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;
using StructureReps.Graphs.Featurization;
using StructureReps.Nn.Serialization;
using StructureReps.Services.Prediction;
using StructureReps.Tests.Support;

namespace StructureReps.Tests.Decoding;

/// <summary>
/// One featurizer from checkpoint to features: graphs built with non-default options (binary Laplacian, another k,
/// random features) give `predict` the very embeddings `encode train` wrote for the same checkpoints, because the
/// encoder file carries the featurizer its graphs were made with. Files older than the record read with the
/// defaults they were made with (graphs.json) or are refused with one line (an encoder, whose graphs' options
/// cannot be known).
/// </summary>
public sealed class FeaturizerTests
{
    public static TheoryData<string, string[]> Options => new()
    {
        { "ea-tc-lf", ["--binary"] },
        { "ea-tc-lf", ["--k", "5"] },
        { "gc-rf", ["--k", "3", "--binary"] },
    };

    [Theory]
    [MemberData(nameof(Options))]
    public void Predict_embeds_every_training_checkpoint_as_encode_train_did(string encoder, string[] options)
    {
        using var dir = new TempDir();
        string zoo = dir.File("zoo"), graphs = dir.File("graphs"), enc = dir.File("enc"),
            probe = dir.File("probe.json");
        Assert.Equal(0, ZooCommand.Run(["train", "--task", "two-moons", "--runs", "2", "--epochs", "5", "--out", zoo]));
        Assert.Equal(0, GraphsCommand.Run(["build", "--zoo", zoo, "--out", graphs, .. options]));
        Assert.Equal(0, EncodeCommand.Run(["train", "--graphs", graphs, "--out", enc, "--epochs", "2",
            "--encoder", encoder]));
        Assert.Equal(0, DecodeCommand.Run(["--embeddings", Path.Combine(enc, "embeddings.csv"),
            "--save-probe", probe]));
        string encoderFile = Path.Combine(enc, EncoderTrainer.EncoderFileName);

        var built = GraphZooBuilder.FeaturizerOf(graphs);
        Assert.Equal(built, EncoderFile.Read(encoderFile).Featurizer);
        Assert.Equal(options.Contains("--binary"), !built.Weighted);

        var rows = Embedder.ReadCsv(Path.Combine(enc, "embeddings.csv"));
        var checkpoints = rows.Select(r =>
            Path.Combine(zoo, $"run-{r.Targets.Run:D4}", $"epoch-{r.Targets.Epoch:D4}.safetensors")).ToList();
        var predictions = Predictor.Predict(encoderFile, probe, checkpoints, CpuBackend.Default);
        foreach (var (row, p) in rows.Zip(predictions))
            Numerics.AssertClose(row.Vector.Select(v => (double)v).ToArray(),
                p.Embedding.Select(v => (double)v).ToArray(), 1e-5, 1e-6,
                $"run {row.Targets.Run} epoch {row.Targets.Epoch}");
        Assert.Equal(0, PredictCommand.Run(["--encoder", enc, "--probe", probe, "--embedding", checkpoints[^1]]));
    }

    [Fact]
    public void A_featurizer_round_trips_and_a_damaged_one_is_named()
    {
        var f = new Featurizer { K = 5, Weighted = false, EdgeDim = 9, DenseThreshold = 100 };
        Assert.Equal(f, Featurizer.Parse(f.ToJson(), "x", "featurizer"));
        var e = Assert.Throws<DataFormatException>(() =>
            Featurizer.Parse(f.ToJson().Replace("\"edge_dim\": 9", "\"edge_dim\": 8"), "g.json", "featurizer"));
        Assert.Contains("g.json", e.Message);
        Assert.Contains("edge_dim 8", e.Message);
        e = Assert.Throws<DataFormatException>(() =>
            Featurizer.Parse(f.ToJson().Replace("convs", "conv"), "g.json", "featurizer"));
        Assert.Contains("naming", e.Message);
    }

    [Fact]
    public void Files_from_before_the_featurizer_record_read_with_their_options_or_are_refused()
    {
        using var dir = new TempDir();
        string zoo = dir.File("zoo"), graphs = dir.File("graphs"), enc = dir.File("enc");
        Assert.Equal(0, ZooCommand.Run(["train", "--task", "two-moons", "--runs", "2", "--epochs", "2", "--out", zoo]));
        Assert.Equal(0, GraphsCommand.Run(["build", "--zoo", zoo, "--out", graphs, "--binary", "--k", "4"]));
        Assert.Equal(0, EncodeCommand.Run(["train", "--graphs", graphs, "--out", enc, "--epochs", "1"]));

        // graphs.json without its featurizer: the fields beside it recorded every option that could be set.
        string info = Path.Combine(graphs, GraphZooBuilder.InfoFile);
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(info))!.AsObject();
        var expected = GraphZooBuilder.FeaturizerOf(graphs);
        node.Remove("featurizer");
        File.WriteAllText(info, node.ToJsonString());
        Assert.Equal(expected, GraphZooBuilder.FeaturizerOf(graphs));
        Assert.Equal(4, GraphZooBuilder.Load(graphs)[0].Featurizer!.K);

        // An encoder file without one: refused, naming the file and the field, before any network is read.
        string encoderFile = Path.Combine(enc, EncoderTrainer.EncoderFileName);
        var (tensors, meta) = SafeTensors.Read(encoderFile);
        meta.Remove("featurizer");
        SafeTensors.Write(encoderFile, tensors, meta);
        var e = Assert.Throws<DataFormatException>(() => NetworkEmbedder.Open(encoderFile, CpuBackend.Default));
        Assert.Contains(encoderFile, e.Message);
        Assert.Contains("__metadata__.featurizer", e.Message);
        e = Assert.Throws<DataFormatException>(() => PredictCommand.Run(["--encoder", enc,
            "--probe", dir.File("probe.json"), Path.Combine(zoo, "run-0000", "epoch-0001.safetensors")]));
        Assert.Contains("__metadata__.featurizer", e.Message);
        // It still embeds graphs already built, which carry their features.
        Assert.Equal(0, EncodeCommand.Run(["embed", "--encoder", encoderFile, "--graphs", graphs,
            "--out", dir.File("e.csv")]));
    }

    /// <summary>A two-moons zoo's graphs twice: with the default features and with the binary Laplacian.</summary>
    private static (string Graphs, string Binary) OneZooTwoFeaturings(TempDir dir)
    {
        string zoo = dir.File("zoo"), graphs = dir.File("graphs"), binary = dir.File("binary");
        Assert.Equal(0, ZooCommand.Run(["train", "--task", "two-moons", "--runs", "2", "--epochs", "2", "--out", zoo]));
        Assert.Equal(0, GraphsCommand.Run(["build", "--zoo", zoo, "--out", graphs]));
        Assert.Equal(0, GraphsCommand.Run(["build", "--zoo", zoo, "--out", binary, "--binary"]));
        return (graphs, binary);
    }

    /// <summary>
    /// An encoder folder retrained on graphs of the same networks made with other features starts over: resuming (or
    /// counting it complete) would fit new embeddings to weights trained on other inputs, under the old featurizer.
    /// </summary>
    [Fact]
    public void An_encoder_trained_again_on_graphs_with_other_features_starts_over_and_records_them()
    {
        using var dir = new TempDir();
        var (graphs, binary) = OneZooTwoFeaturings(dir);
        string enc = dir.File("enc");
        Assert.Equal(0, EncodeCommand.Run(["train", "--graphs", graphs, "--out", enc, "--epochs", "2"]));
        Assert.Equal(0, EncodeCommand.Run(["train", "--graphs", binary, "--out", enc, "--epochs", "2"]));
        string file = Path.Combine(enc, EncoderTrainer.EncoderFileName);
        Assert.False(EncoderFile.Read(file).Featurizer!.Weighted);
        var fresh = dir.File("fresh");
        Assert.Equal(0, EncodeCommand.Run(["train", "--graphs", binary, "--out", fresh, "--epochs", "2"]));
        Assert.Equal(File.ReadAllText(Path.Combine(fresh, "embeddings.csv")),
            File.ReadAllText(Path.Combine(enc, "embeddings.csv")));
    }

    [Fact]
    public void Encode_embed_refuses_graphs_made_with_other_features_than_the_encoders()
    {
        using var dir = new TempDir();
        var (graphs, binary) = OneZooTwoFeaturings(dir);
        string enc = dir.File("enc");
        Assert.Equal(0, EncodeCommand.Run(["train", "--graphs", graphs, "--out", enc, "--epochs", "1"]));
        var e = Assert.Throws<InvalidOperationException>(() =>
            EncodeCommand.Run(["embed", "--encoder", Path.Combine(enc, EncoderTrainer.EncoderFileName),
                "--graphs", binary]));
        Assert.Contains("binary", e.Message);
    }
}
