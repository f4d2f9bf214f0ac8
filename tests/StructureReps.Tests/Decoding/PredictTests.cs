using StructureReps.Cli.Commands;
using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Encoding;
using StructureReps.Services.Prediction;
using StructureReps.Tests.Support;

namespace StructureReps.Tests.Decoding;

/// <summary>
/// `decode --save-probe` then `predict`: a checkpoint's predicted performance through graph → embedding → saved
/// probe equals the probe applied to that checkpoint's row of the embeddings file; a probe is tied to its encoder.
/// </summary>
public sealed class PredictTests
{
    [Fact]
    public void Predict_reads_a_checkpoint_as_the_saved_probe_reads_its_embedding_and_refuses_another_encoder()
    {
        using var dir = new TempDir();
        string zoo = dir.File("zoo"), graphs = dir.File("graphs"), enc = dir.File("enc"), other = dir.File("other");
        Assert.Equal(0, ZooCommand.Run(["train", "--task", "two-moons", "--runs", "3", "--epochs", "4", "--out", zoo]));
        Assert.Equal(0, GraphsCommand.Run(["build", "--zoo", zoo, "--out", graphs]));
        Assert.Equal(0, EncodeCommand.Run(["train", "--graphs", graphs, "--out", enc, "--epochs", "2"]));
        // encode train also writes the untrained encoder's embeddings, the baseline decode prints beside the encoder's.
        var untrained = Embedder.ReadCsv(Path.Combine(enc, DecodeCommand.UntrainedEmbeddings));
        var trained = Embedder.ReadCsv(Path.Combine(enc, "embeddings.csv"));
        Assert.Equal(trained.Select(r => (r.Targets.Run, r.Targets.Epoch)), untrained.Select(r => (r.Targets.Run, r.Targets.Epoch)));
        Assert.NotEqual(trained[0].Vector, untrained[0].Vector);
        string probe = dir.File("probe.json");
        Assert.Equal(0, DecodeCommand.Run(["--embeddings", Path.Combine(enc, "embeddings.csv"), "--save-probe", probe]));

        string checkpoint = Path.Combine(zoo, "run-0002", "epoch-0003.safetensors");
        var p = Assert.Single(Predictor.Predict(Path.Combine(enc, "encoder.safetensors"), probe, [checkpoint], StructureReps.Backends.Cpu.CpuBackend.Default));
        var row = Embedder.ReadCsv(Path.Combine(enc, "embeddings.csv")).Single(r => r.Targets.Run == 2 && r.Targets.Epoch == 3);
        Numerics.AssertClose(row.Vector.Select(v => (double)v).ToArray(), p.Embedding.Select(v => (double)v).ToArray(), 1e-5, 1e-6, "embedding");
        var saved = SavedProbe.Read(probe);
        var x = row.Vector.Select(v => (double)v).ToArray();
        Assert.Equal(RidgeProbe.From(saved.Test).Predict(x), p.Test.Raw, 4);
        Assert.Equal(RidgeProbe.From(saved.Train).Predict(x), p.Train.Raw, 4);

        Assert.Equal(0, EncodeCommand.Run(["train", "--graphs", graphs, "--out", other, "--epochs", "2", "--seed", "7"]));
        var e = Assert.Throws<ProbeMismatchException>(() =>
            Predictor.Predict(Path.Combine(other, "encoder.safetensors"), probe, [checkpoint], StructureReps.Backends.Cpu.CpuBackend.Default));
        Assert.Contains("fitted on the embeddings of another encoder", e.Message);

        File.WriteAllText(probe, File.ReadAllText(probe).Replace("\"dimensions\": 16", "\"dimensions\": 5"));
        var bad = Assert.Throws<StructureReps.Core.DataFormatException>(() => SavedProbe.Read(probe));
        Assert.Contains("probe.json", bad.Message);
    }
}
