using System.Text;
using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;
using StructureReps.Graphs.Spectral;
using StructureReps.Nn.Optim;
using StructureReps.Nn.Serialization;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Data;
using StructureReps.Zoo.Training;
using Xunit;
using Xunit.Abstractions;

namespace StructureReps.Tests.Reliability;

/// <summary>
/// The seeded fault suite: every file type the pipeline reads, damaged many ways (truncation, bit flips in the
/// header and the data, huge lengths, wrong JSON types, NaN/Inf, missing fields, rows and columns), each read by
/// the code the pipeline reads it with. Each case must end in a correct result or in a typed error
/// (<see cref="IOException"/>, <see cref="InvalidOperationException"/>, <see cref="ArgumentException"/>) whose
/// message names the file — never another exception, never a non-finite value let through.
/// </summary>
[Trait("Speed", "slow")]
public sealed class FaultSuiteTests(ITestOutputHelper output)
{
    private const int CasesPerKind = 180;

    [Fact]
    public void Every_damaged_file_gives_a_correct_result_or_a_typed_error_naming_it()
    {
        using var dir = new TempDir();
        var fixture = FaultFixture.Build(dir.Path);
        var failures = new List<string>();
        int cases = 0, clean = 0, correct = 0;
        foreach (var kind in fixture.Kinds)
        {
            var rng = new Random(kind.Name.Aggregate(17, (h, c) => h * 31 + c));
            for (int i = 0; i < CasesPerKind; i++)
            {
                var mutation = kind.Mutations[i % kind.Mutations.Count];
                byte[] damaged = mutation.Apply(kind.Pristine, rng);
                File.WriteAllBytes(kind.Path, damaged);
                cases++;
                try
                {
                    kind.Read(kind.Path);
                    correct++;
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException && e.Message.Contains(Path.GetFileName(kind.Path)))
                {
                    clean++;
                }
                catch (Exception e)
                {
                    failures.Add($"{kind.Name} / {mutation.Name} #{i}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                }
            }
            File.WriteAllBytes(kind.Path, kind.Pristine);
        }
        output.WriteLine($"{cases} cases over {fixture.Kinds.Count} file types: {clean} clean errors, {correct} correct results, {failures.Count} failures");
        foreach (var f in failures.Take(40)) output.WriteLine(f);
        Assert.True(cases >= 2000, $"{cases} cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} cases ended otherwise:\n" + string.Join("\n", failures.Distinct().Take(25)));
    }
}

/// <summary>A reader returned a result it should have refused (a non-finite value let through): a failure of the case.</summary>
internal sealed class LetThroughException(string what) : Exception(what);

/// <summary>One damage done to a file's bytes.</summary>
internal sealed record Mutation(string Name, Func<byte[], Random, byte[]> Apply);

/// <summary>A file type: where its copy lies, its undamaged bytes, how the pipeline reads it, how to damage it.</summary>
internal sealed record FileKind(string Name, string Path, byte[] Pristine, Action<string> Read, IReadOnlyList<Mutation> Mutations);

/// <summary>The files of a tiny two-moons pipeline (zoo run, graphs, encoder, embeddings) and small dataset files.</summary>
internal sealed class FaultFixture
{
    public required List<FileKind> Kinds { get; init; }

    public static FaultFixture Build(string root)
    {
        var backend = CpuBackend.Default;
        string zoo = System.IO.Path.Combine(root, "zoo"), graphsDir = System.IO.Path.Combine(root, "graphs"), encDir = System.IO.Path.Combine(root, "enc");
        new ZooRunner(new ZooSpec { Task = "two-moons", Runs = 1, Epochs = 2, Output = zoo, Seed = 3, MaxTrain = 200, MaxTest = 100 }, backend).Run();
        GraphZooBuilder.Build(zoo, graphsDir, new PeOptions { K = 4 });
        var graphs = GraphZooBuilder.Load(graphsDir).SelectMany(r => r.Graphs).ToList();
        var config = EncoderConfig.Named("ea-tc-lf") with { Epochs = 2, Hidden = 8, Latent = 4, K = 4, BatchGraphs = 2 };
        var trained = new EncoderTrainer(config, backend) { Featurizer = GraphZooBuilder.FeaturizerOf(graphsDir) }.Train(graphs, "two-moons", encDir);
        Embedder.WriteCsv(System.IO.Path.Combine(encDir, "embeddings.csv"), Embedder.Embed(trained, graphs, "two-moons"));

        string run = System.IO.Path.Combine(zoo, "run-0000");
        var files = new RunFiles(run);
        var info = files.ReadInfo()!;
        var metrics = files.ReadMetrics();
        var binary = Mutations.Binary;
        var safetensors = binary.Concat(Mutations.SafeTensorsHeader).ToList();
        var text = binary.Concat(Mutations.Text).ToList();
        var json = binary.Concat(Mutations.Text).Concat(Mutations.Json).ToList();
        string data = System.IO.Path.Combine(root, "data");
        Directory.CreateDirectory(data);

        FileKind Kind(string name, string path, Action<string> read, IReadOnlyList<Mutation> mutations) => new(name, path, File.ReadAllBytes(path), read, mutations);
        static string ProbeFile(string encDir, TrainedEncoder encoder)
        {
            var rows = Embedder.ReadCsv(System.IO.Path.Combine(encDir, "embeddings.csv"));
            var x = rows.Select(r => r.Vector.Select(v => (double)v).ToArray()).ToList();
            var fit = (Func<EmbeddingRow, double> target) => StructureReps.Decoding.Probing.RidgeProbe.Fit(x, rows.Select(target).ToList()).State;
            string path = System.IO.Path.Combine(encDir, "probe.json");
            File.WriteAllText(path, new StructureReps.Decoding.Probing.SavedProbe(StructureReps.Decoding.Probing.SavedProbe.FormatName, new string('a', 64),
                encoder.Config.Name, encoder.Epoch, x[0].Length, "", rows.Count, 1e-3, fit(r => r.Targets.TrainPerformance), fit(r => r.Targets.TestPerformance), encDir).ToJson());
            return path;
        }
        static string Foreign(string dir, string name)
        {
            Directory.CreateDirectory(dir);
            string path = System.IO.Path.Combine(dir, name);
            File.Copy(System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch_mlp_bn.safetensors"), path, overwrite: true);
            return path;
        }
        static string ForeignMetrics(string dir)
        {
            string path = System.IO.Path.Combine(dir, "metrics.csv");
            File.WriteAllText(path, "epoch,train_acc,val_acc,train_loss,val_loss\n0,0.5,0.5,0.69,0.7\n1,0.8,0.75,0.4,0.45\n");
            return path;
        }
        int imports = 0;
        void Import(string root)
        {
            string output = System.IO.Path.Combine(root, "imported", $"{imports++}");
            StructureReps.Zoo.Import.ZooImport.Import(System.IO.Path.Combine(root, "foreign"), output, "imported");
            var imported = new RunFiles(System.IO.Path.Combine(output, "run-0000"));
            var importedInfo = imported.ReadInfo()!;
            foreach (var m in imported.ReadMetrics().Where(m => File.Exists(imported.Checkpoint(m.Epoch))))
            {
                string c = imported.Checkpoint(m.Epoch);
                var g = GraphBuilder.Build(importedInfo.Architecture, SafeTensors.Read(c).Tensors, 1, new CheckpointTargets(0, m.Epoch, 0, 0, 0, 0), c);
                if (g.EdgeFeatures.Any(v => !float.IsFinite(v))) throw new LetThroughException("non-finite imported weights");
            }
        }
        return new FaultFixture
        {
            Kinds =
            [
                Kind("checkpoint", files.Checkpoint(1), p =>
                {
                    var g = GraphBuilder.Build(info.Architecture, SafeTensors.Read(p).Tensors, 1,
                        new CheckpointTargets(0, 1, metrics[1].TrainPerformance, metrics[1].TestPerformance, metrics[1].TrainLoss, metrics[1].TestLoss), p);
                    var pe = LaplacianPe.Compute(g, new PeOptions { K = 4 });
                    if (pe.Features.Any(v => !float.IsFinite(v)) || g.EdgeFeatures.Any(v => !float.IsFinite(v))) throw new LetThroughException("non-finite graph features");
                }, safetensors),
                Kind("optimizer state", new StructureReps.Nn.Training.CheckpointedRun(run).StatePath, p =>
                {
                    var net = info.Architecture.Build(new Rng(1), backend);
                    var adam = new Adam(net.Module.Parameters().ToList(), lr: 1e-3f);
                    new StructureReps.Nn.Training.CheckpointedRun(run).StateEpoch();
                    new StructureReps.Nn.Training.CheckpointedRun(run).LoadState(net.Module, adam);
                }, safetensors),
                Kind("run.json", files.RunJson, p =>
                {
                    var read = files.ReadInfo() ?? throw new InvalidOperationException($"{p}: vanished");
                    GraphBuilder.Topology(read.Architecture);
                    read.Architecture.Build(new Rng(1), backend);
                }, json),
                Kind("metrics.csv", files.MetricsCsv, _ => files.ReadMetrics(), text),
                Kind("graph file", GraphZooBuilder.RunPath(graphsDir, 0), p =>
                {
                    if (GraphFile.Read(p).Graphs.Any(g => g.EdgeFeatures.Any(v => !float.IsFinite(v)) || g.PositionalEncoding!.Any(v => !float.IsFinite(v))))
                        throw new LetThroughException("non-finite graph features");
                }, safetensors),
                Kind("graphs.json", System.IO.Path.Combine(graphsDir, GraphZooBuilder.InfoFile), _ => GraphZooBuilder.Load(graphsDir), json),
                Kind("encoder file", System.IO.Path.Combine(encDir, EncoderTrainer.EncoderFileName), p =>
                {
                    var encoder = EncoderFile.Read(p, backend);
                    if (Embedder.Embed(encoder, graphs, "two-moons").Any(r => r.Vector.Any(v => !float.IsFinite(v)))) throw new LetThroughException("non-finite embeddings");
                }, safetensors),
                Kind("train-log.csv", System.IO.Path.Combine(encDir, EncoderTrainer.LogFileName),
                    _ => new EncoderTrainer(config, backend) { Featurizer = GraphZooBuilder.FeaturizerOf(graphsDir) }.Train(graphs, "two-moons", encDir), text),
                Kind("embeddings.csv", System.IO.Path.Combine(encDir, "embeddings.csv"), p => Embedder.ReadCsv(p), text),
                Kind("probe.json", ProbeFile(encDir, trained), p =>
                {
                    var probe = new StructureReps.Decoding.Probing.ProbeReader(StructureReps.Decoding.Probing.SavedProbe.Read(p));
                    var x = Embedder.ReadCsv(System.IO.Path.Combine(encDir, "embeddings.csv"))[0].Vector.Select(v => (double)v).ToArray();
                    var (train, test) = probe.Predict(x);
                    if (!double.IsFinite(train.Value) || !double.IsFinite(test.Value)) throw new LetThroughException("non-finite prediction");
                }, json),
                // predict's path for a network trained elsewhere: a PyTorch state_dict (BatchNorm folded) → graph → embedding.
                Kind("state_dict → predict", Foreign(root, "predict.safetensors"), p =>
                {
                    var embedder = StructureReps.Services.Prediction.NetworkEmbedder.Open(System.IO.Path.Combine(encDir, EncoderTrainer.EncoderFileName), backend);
                    var (_, z) = embedder.Embed(SafeTensors.Read(p).Tensors, p);
                    if (z.Any(v => !float.IsFinite(v))) throw new LetThroughException("non-finite embedding");
                }, safetensors),
                // zoo import of a folder of state_dicts with its metrics.csv, then the imported checkpoint as a graph.
                Kind("state_dict → zoo import", Foreign(System.IO.Path.Combine(root, "foreign", "seed1"), "epoch_001.safetensors"), _ => Import(root), safetensors),
                Kind("foreign metrics.csv", ForeignMetrics(System.IO.Path.Combine(root, "foreign", "seed1")), _ => Import(root), text),
                Kind("zoo.json", System.IO.Path.Combine(zoo, ZooRunner.ZooJson),
                    _ => new ZooRunner(new ZooSpec { Task = "two-moons", Runs = 1, Epochs = 2, Output = zoo, Seed = 3, MaxTrain = 200, MaxTest = 100 }, backend).Run(), json),
                Kind("numeric csv", DatasetFiles.Csv(data), p => { using var s = File.OpenRead(p); DataFiles.ReadNumericCsv(s, p, 4, 50); }, text),
                Kind("gzip csv", DatasetFiles.GzipCsv(data), p => { using var s = DataFiles.Open(p); DataFiles.ReadNumericCsv(s, p, 4, 50); }, binary),
                Kind("idx images", DatasetFiles.IdxImages(data), p => { using var s = File.OpenRead(p); Idx.ReadImages(s, p); }, binary),
                Kind("idx labels", DatasetFiles.IdxLabels(data), p => { using var s = File.OpenRead(p); Idx.ReadLabels(s, p, 10); }, binary),
                Kind("cifar batch", DatasetFiles.CifarBatch(data), p => { using var s = File.OpenRead(p); Cifar10.ReadBatch(s, p); }, binary),
                Kind("jpeg zip", DatasetFiles.JpegZip(data), p => JpegFolderZip.Read(p, "train", ["a", "b"], 8, useCache: false), binary),
            ],
        };
    }
}

/// <summary>Small, valid dataset files of each binary and text format the zoo reads.</summary>
internal static class DatasetFiles
{
    private static string CsvText()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 50; i++) sb.Append($"{i},{i * 0.5},{-i},{i % 7}\n");
        return sb.ToString();
    }

    public static string Csv(string dir)
    {
        string path = Path.Combine(dir, "table.csv");
        File.WriteAllText(path, CsvText());
        return path;
    }

    public static string GzipCsv(string dir)
    {
        string path = Path.Combine(dir, "table.csv.gz");
        using (var gz = new System.IO.Compression.GZipStream(File.Create(path), System.IO.Compression.CompressionLevel.Fastest))
            gz.Write(Encoding.UTF8.GetBytes(CsvText()));
        return path;
    }

    public static string IdxImages(string dir)
    {
        string path = Path.Combine(dir, "images-idx3-ubyte");
        var bytes = new List<byte>();
        foreach (int v in new[] { 0x803, 12, 5, 6 }) bytes.AddRange(BigEndian(v));
        for (int i = 0; i < 12 * 5 * 6; i++) bytes.Add((byte)(i * 7));
        File.WriteAllBytes(path, [.. bytes]);
        return path;
    }

    public static string IdxLabels(string dir)
    {
        string path = Path.Combine(dir, "labels-idx1-ubyte");
        var bytes = new List<byte>();
        foreach (int v in new[] { 0x801, 12 }) bytes.AddRange(BigEndian(v));
        for (int i = 0; i < 12; i++) bytes.Add((byte)(i % 10));
        File.WriteAllBytes(path, [.. bytes]);
        return path;
    }

    public static string CifarBatch(string dir)
    {
        string path = Path.Combine(dir, "data_batch_1.bin");
        var bytes = new byte[4 * 3073];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(i % 3073 == 0 ? i / 3073 : i * 13);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string JpegZip(string dir)
    {
        string path = Path.Combine(dir, "images.zip");
        using var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create);
        foreach (var (name, color) in new[] { ("train/a/1.jpg", SkiaSharp.SKColors.Red), ("train/b/2.jpg", SkiaSharp.SKColors.Blue), ("train/b/3.jpg", SkiaSharp.SKColors.Green) })
        {
            using var bitmap = new SkiaSharp.SKBitmap(12, 10);
            bitmap.Erase(color);
            using var jpeg = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 90);
            using var entry = zip.CreateEntry(name, System.IO.Compression.CompressionLevel.NoCompression).Open();
            entry.Write(jpeg.ToArray());
        }
        return path;
    }

    private static byte[] BigEndian(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];
}
