using StructureReps.Backends.Cpu;
using StructureReps.Cli.Commands;
using StructureReps.Core;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Spectral;
using StructureReps.Nn.Serialization;
using StructureReps.Services.Probing;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Training;

namespace StructureReps.Tests.Reliability;

/// <summary>
/// The fault-injection findings that ended in exit 0 with a wrong or partial result: each is now refused with one
/// line naming the file (or repaired and said). Every test here fails without its fix.
/// </summary>
public sealed class SilentResultTests
{
    private static void TrainZoo(string dir, int runs = 2, int epochs = 3) =>
        new ZooRunner(new ZooSpec
        {
            Task = "two-moons", Runs = runs, Epochs = epochs, Output = dir, Seed = 5, MaxTrain = 300, MaxTest = 200,
        }, CpuBackend.Default).Run();

    private static string Run(string zoo, int run) => Path.Combine(zoo, $"run-{run:D4}");

    /// <summary>Rewrites a safetensors file with every value of its tensors NaN and some metadata changed.</summary>
    private static void Poison(string path, Action<Dictionary<string, string>>? meta = null)
    {
        var (tensors, metadata) = SafeTensors.Read(path);
        foreach (var t in tensors) Array.Fill(t.Data, float.NaN);
        meta?.Invoke(metadata);
        SafeTensors.Write(path, tensors, metadata);
    }

    [Fact]
    public void A_zoo_run_resumed_from_a_NaN_optimizer_state_is_refused_naming_it()
    {
        using var zoo = new TempDir();
        TrainZoo(zoo.Path, runs: 1);
        var files = new RunFiles(Run(zoo.Path, 0));
        // An interruption after epoch 2 as the protocol leaves it (weights, log and state of 2), its state then
        // damaged.
        File.Delete(files.Checkpoint(3));
        files.WriteMetrics(files.ReadMetrics().Take(3));
        Poison(Path.Combine(files.Directory, "state.safetensors"), m => m["epoch"] = "2");
        var e = Assert.Throws<DataFormatException>(() => TrainZoo(zoo.Path, runs: 1));
        Assert.Contains("state.safetensors", e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void An_encoder_resumed_from_a_NaN_optimizer_state_is_refused_naming_it()
    {
        using var dir = new TempDir();
        string zoo = dir.File("zoo"), graphs = dir.File("graphs"), enc = dir.File("enc");
        TrainZoo(zoo);
        GraphZooBuilder.Build(zoo, graphs, new PeOptions { K = 4 });
        Assert.Equal(0, EncodeCommand.Run(["train", "--graphs", graphs, "--out", enc, "--epochs", "2"]));
        Poison(Path.Combine(enc, "state.safetensors"));
        var e = Assert.Throws<DataFormatException>(() =>
            EncodeCommand.Run(["train", "--graphs", graphs, "--out", enc, "--epochs", "3"]));
        Assert.Contains("state.safetensors", e.Message);
    }

    [Fact]
    public void A_graph_file_damaged_after_it_was_built_is_rebuilt_not_kept()
    {
        using var zoo = new TempDir();
        using var graphs = new TempDir();
        TrainZoo(zoo.Path);
        var pe = new PeOptions { K = 4 };
        GraphZooBuilder.Build(zoo.Path, graphs.Path, pe);
        string file = GraphZooBuilder.RunPath(graphs.Path, 0), other = GraphZooBuilder.RunPath(graphs.Path, 1);
        var good = File.ReadAllBytes(file);
        var (tensors, meta) = SafeTensors.Read(file);
        Array.Fill(tensors.Single(t => t.Name == "edge_attr").Data, float.NaN);
        SafeTensors.Write(file, tensors, meta);
        (tensors, meta) = SafeTensors.Read(other);
        meta["k"] = "5";
        SafeTensors.Write(other, tensors, meta);

        var notes = new List<string>();
        GraphZooBuilder.Build(zoo.Path, graphs.Path, pe, new Notes(notes));
        Assert.Contains(notes, n => n.StartsWith("0 built") && n.Contains("damaged"));
        Assert.Contains(notes, n => n.StartsWith("1 built"));
        Assert.Equal(good, File.ReadAllBytes(file));
        Assert.Equal(4, GraphFile.Read(other).K);
    }

    [Fact]
    public void A_graph_whose_targets_hold_NaN_as_run_or_epoch_is_refused()
    {
        using var zoo = new TempDir();
        using var graphs = new TempDir();
        TrainZoo(zoo.Path);
        GraphZooBuilder.Build(zoo.Path, graphs.Path, new PeOptions { K = 4 });
        string file = GraphZooBuilder.RunPath(graphs.Path, 1);
        foreach (int column in new[] { 0, 1 })
        {
            var (tensors, meta) = SafeTensors.Read(file);
            tensors.Single(t => t.Name == "targets").Data[6 + column] = float.NaN;
            SafeTensors.Write(file, tensors, meta);
            var e = Assert.Throws<DataFormatException>(() => GraphFile.Read(file));
            Assert.Contains("targets[1]", e.Message);
            GraphZooBuilder.Build(zoo.Path, graphs.Path, new PeOptions { K = 4 }); // rebuilt whole
        }
    }

    [Fact]
    public void Decode_refuses_duplicate_checkpoints_and_a_constant_target_and_says_when_embeddings_are_constant()
    {
        using var dir = new TempDir();
        string csv = dir.File("embeddings.csv");
        var lines = new List<string> { StructureReps.Graphs.Encoding.Embedder.Header + ",z0,z1" };
        for (int run = 0; run < 2; run++)
            for (int epoch = 0; epoch < 6; epoch++)
                lines.Add($"t,{run},{epoch},{0.5 + epoch * 0.05},{0.5 + epoch * 0.04}," +
                    $"1,1,{epoch * 0.1 + run},{run - epoch * 0.2}");
        File.WriteAllLines(csv, lines);
        Assert.NotEmpty(EmbeddingsDecoding.Evaluate(csv, 2).Rows);

        File.WriteAllLines(csv, [.. lines, .. lines.Skip(1)]);
        var e = Assert.Throws<DataFormatException>(() => EmbeddingsDecoding.Evaluate(csv, 2));
        Assert.Contains("row 13", e.Message);
        Assert.Contains("again", e.Message);

        File.WriteAllLines(csv, lines.Select((l, i) =>
            i == 0 ? l : string.Join(',', l.Split(',').Select((c, j) => j == 4 ? "0.7" : c))));
        e = Assert.Throws<DataFormatException>(() => EmbeddingsDecoding.Evaluate(csv, 2));
        Assert.Contains("test_perf", e.Message);

        File.WriteAllLines(csv, lines.Select((l, i) =>
            i == 0 ? l : string.Join(',', l.Split(',').Select((c, j) => j >= 7 ? "0.25" : c))));
        var result = EmbeddingsDecoding.Evaluate(csv, 2);
        Assert.Contains(result.Notes, n => n.Contains("the same for every checkpoint"));
    }

    [Fact]
    public void Zoo_train_refuses_a_metrics_csv_with_more_rows_than_its_epochs()
    {
        using var zoo = new TempDir();
        TrainZoo(zoo.Path, runs: 1);
        var files = new RunFiles(Run(zoo.Path, 0));
        var rows = files.ReadMetrics();
        files.WriteMetrics([.. rows, rows[^1] with { Epoch = rows.Count }]);
        var e = Assert.Throws<DataFormatException>(() => TrainZoo(zoo.Path, runs: 1));
        Assert.Contains("metrics.csv", e.Message);
    }

    [Fact]
    public void Graphs_build_refuses_a_zoo_it_would_shrink_without_a_word()
    {
        using var zoo = new TempDir();
        using var graphs = new TempDir();
        TrainZoo(zoo.Path);
        var files = new RunFiles(Run(zoo.Path, 1));
        string runJson = File.ReadAllText(files.RunJson), metrics = File.ReadAllText(files.MetricsCsv);
        void Refused(string part)
        {
            var e = Assert.ThrowsAny<Exception>(() =>
                GraphZooBuilder.Build(zoo.Path, graphs.Path, new PeOptions { K = 4 }));
            Assert.True(e is DataFormatException, e.ToString());
            Assert.Contains(part, e.Message);
        }
        File.Delete(files.RunJson);
        Refused("run-0001");
        File.WriteAllText(files.RunJson, runJson);
        File.Delete(files.MetricsCsv);
        Refused("missing, but the run holds checkpoints of epoch 0–3");
        File.WriteAllText(files.MetricsCsv, EpochMetrics.Header + "\n");
        Refused("no rows");
        File.WriteAllText(files.MetricsCsv, string.Join("\n", metrics.Split('\n').Take(3)) + "\n");
        Refused("epoch 2–3");
        File.WriteAllText(files.MetricsCsv, metrics);
        // A copy of run 1 in another folder: two folders claim one run.
        Directory.CreateDirectory(Run(zoo.Path, 7));
        File.Copy(files.RunJson, Path.Combine(Run(zoo.Path, 7), "run.json"));
        Refused("two folders claim one run");
        Directory.Delete(Run(zoo.Path, 7), true);
        Assert.Equal(2, GraphZooBuilder.Build(zoo.Path, graphs.Path, new PeOptions { K = 4 }).Runs.Length);
    }

    [Fact]
    public void Predict_never_gives_a_non_finite_prediction_for_extreme_weights()
    {
        using var dir = new TempDir();
        string zoo = dir.File("zoo"), graphs = dir.File("graphs"), enc = dir.File("enc"),
            probe = dir.File("probe.json");
        TrainZoo(zoo, runs: 3);
        GraphZooBuilder.Build(zoo, graphs, new PeOptions());
        Assert.Equal(0, EncodeCommand.Run(["train", "--graphs", graphs, "--out", enc, "--epochs", "1"]));
        Assert.Equal(0, DecodeCommand.Run(["--embeddings", Path.Combine(enc, "embeddings.csv"),
            "--save-probe", probe]));
        var (tensors, meta) = SafeTensors.Read(Path.Combine(Run(zoo, 0), "epoch-0003.safetensors"));
        int predicted = 0;
        foreach (float scale in new[] { 1e3f, 1e10f, 1e30f, 3e38f })
        {
            string damaged = dir.File($"scaled-{scale}.safetensors");
            SafeTensors.Write(damaged,
                tensors.Select(t => new NamedArray(t.Name, t.Shape, [.. t.Data.Select(v => v * scale)])), meta);
            try
            {
                var p = StructureReps.Services.Prediction.Predictor.Predict(enc + "/encoder.safetensors", probe,
                    [damaged], CpuBackend.Default)[0];
                Assert.True(double.IsFinite(p.Train.Value) && double.IsFinite(p.Test.Value)
                    && p.Embedding.All(float.IsFinite), $"scale {scale}");
                predicted++;
            }
            catch (DataFormatException e) { Assert.Contains(damaged, e.Message); }
        }
        Assert.True(predicted > 0, "every scale was refused: the finite-prediction path never ran");
    }

    private sealed class Notes(List<string> lines) : IGraphProgress
    {
        public void RunDone(int position, int total, int run, int checkpoints, bool skipped, string peMethod,
            double seconds) =>
            lines.Add($"{run} {(skipped ? "skipped" : "built")} {peMethod}");
    }
}
