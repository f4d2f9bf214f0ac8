using System.Diagnostics;
using System.Text.Json;
using StructureReps.Core;
using StructureReps.Graphs.Features;
using StructureReps.Graphs.Spectral;
using StructureReps.Nn.Serialization;
using StructureReps.Zoo.Training;

namespace StructureReps.Graphs.Conversion;

/// <summary>What `graphs build` wrote: the zoo's task, the common edge width and the PE options (graphs.json).</summary>
public sealed record GraphZooInfo(string Task, int EdgeDim, int K, bool Weighted, int DenseThreshold, string Zoo, int[] Runs);

/// <summary>Progress of a conversion, per run.</summary>
public interface IGraphProgress
{
    void RunDone(int position, int total, int run, int checkpoints, bool skipped, string peMethod, double seconds);
}

/// <summary>
/// Converts every run of a zoo folder (run-NNNN/ with run.json, metrics.csv, epoch-NNNN.safetensors) into
/// run-NNNN.safetensors graph files with LF (Laplacian PE) and RF features. The edge width is the zoo's widest
/// kernel. A run whose graph file already holds all its checkpoints (with the same options) is skipped, so an
/// interrupted build continues where it stopped.
/// </summary>
public static class GraphZooBuilder
{
    public const string InfoFile = "graphs.json";

    public static GraphZooInfo Build(string zooDir, string outDir, PeOptions pe, IGraphProgress? progress = null, CancellationToken cancel = default)
    {
        if (!Directory.Exists(zooDir)) throw new DirectoryNotFoundException($"{zooDir}: no such zoo folder (train one with `zoo train`)");
        using var exclusive = OutputLock.Acquire(outDir); // a second build into this folder is refused
        AtomicFile.RemoveOrphans(outDir); // temporary files of a killed earlier build
        var runDirs = Directory.GetDirectories(zooDir, "run-*").Order(StringComparer.Ordinal).ToList();
        var runs = runDirs.Select(d => (Dir: d, Files: new RunFiles(d))).Select(r => (r.Dir, r.Files, Info: r.Files.ReadInfo())).Where(r => r.Info is not null).ToList();
        if (runs.Count == 0) throw new InvalidOperationException($"{zooDir}: no run-NNNN/run.json found (is this a zoo folder?)");
        var tasks = runs.Select(r => r.Info!.Task).Distinct().ToList();
        if (tasks.Count > 1) throw new InvalidOperationException($"{zooDir}: runs of several tasks ({string.Join(", ", tasks)}); a graph zoo is one task");
        int edgeDim = GraphBuilder.EdgeDim(runs.Select(r => r.Info!.Architecture));
        var info = new GraphZooInfo(tasks[0], edgeDim, pe.K, pe.Weighted, pe.DenseThreshold, Path.GetFullPath(zooDir), runs.Select(r => r.Info!.Run).ToArray());
        Directory.CreateDirectory(outDir);
        string infoPath = Path.Combine(outDir, InfoFile);
        if (File.Exists(infoPath))
        {
            var old = ReadInfo(outDir);
            if (old.EdgeDim != info.EdgeDim || old.K != info.K || old.Weighted != info.Weighted || old.Task != info.Task)
                throw new InvalidOperationException($"{infoPath}: built with other options (task {old.Task}, edge width {old.EdgeDim}, k {old.K}, weighted {old.Weighted}); use another --out");
        }
        AtomicFile.WriteAllText(infoPath, JsonSerializer.Serialize(info, RunFiles.Json));

        for (int position = 0; position < runs.Count; position++)
        {
            cancel.ThrowIfCancellationRequested();
            var (dir, files, runInfo) = runs[position];
            var clock = Stopwatch.StartNew();
            var metrics = files.ReadMetrics();
            int saved = metrics.TakeWhile(m => File.Exists(files.Checkpoint(m.Epoch))).Count();
            // A run that diverged (NaN or infinite loss: SGD with a large learning rate does) has no meaningful
            // weights from then on; its earlier checkpoints are kept and the rest left out, said in the table.
            int available = metrics.Take(saved).TakeWhile(Finite).Count();
            string diverged = available < saved ? $"; diverged at epoch {metrics[available].Epoch}, {saved - available} checkpoints left out" : "";
            string path = RunPath(outDir, runInfo!.Run);
            if (available == 0) { progress?.RunDone(position, runs.Count, runInfo.Run, 0, true, "no checkpoints" + diverged, 0); continue; }
            if (File.Exists(path) && GraphFile.Checkpoints(path) == available)
            {
                progress?.RunDone(position, runs.Count, runInfo.Run, available, true, "", 0);
                continue;
            }
            var run = ConvertRun(files, runInfo, metrics.Take(available).ToList(), edgeDim, pe, cancel);
            GraphFile.Write(path, run);
            progress?.RunDone(position, runs.Count, runInfo.Run, available, false, run.PeMethod + diverged, clock.Elapsed.TotalSeconds);
        }
        return info;
    }

    private static bool Finite(EpochMetrics m) =>
        double.IsFinite(m.TrainLoss) && double.IsFinite(m.TestLoss) && double.IsFinite(m.TrainPerformance) && double.IsFinite(m.TestPerformance);

    public static string RunPath(string graphsDir, int run) => Path.Combine(graphsDir, $"run-{run:D4}.safetensors");

    public static GraphZooInfo ReadInfo(string graphsDir)
    {
        string path = Path.Combine(graphsDir, InfoFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: not found (build graphs with `graphs build`)", path);
        try { return JsonSerializer.Deserialize<GraphZooInfo>(File.ReadAllText(path), RunFiles.Json) ?? throw new JsonException("null"); }
        catch (JsonException e) { throw new DataFormatException(path, "graphs.json", $"not a graph zoo description ({e.Message})"); }
    }

    /// <summary>Every run's graphs of a built graph zoo, in run order.</summary>
    public static List<RunGraphs> Load(string graphsDir)
    {
        var info = ReadInfo(graphsDir);
        return info.Runs.Select(r => RunPath(graphsDir, r)).Where(File.Exists).Select(GraphFile.Read).ToList();
    }

    public static RunGraphs ConvertRun(RunFiles files, RunInfo info, IReadOnlyList<EpochMetrics> metrics, int edgeDim, PeOptions pe, CancellationToken cancel = default)
    {
        var topology = GraphBuilder.Topology(info.Architecture);
        var graphs = new NetworkGraph[metrics.Count];
        var methods = new string[metrics.Count];
        Parallel.For(0, metrics.Count, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            var m = metrics[i];
            string checkpoint = files.Checkpoint(m.Epoch);
            var tensors = SafeTensors.Read(checkpoint).Tensors;
            var g = GraphBuilder.Build(info.Architecture, tensors, edgeDim,
                new CheckpointTargets(info.Run, m.Epoch, m.TrainPerformance, m.TestPerformance, m.TrainLoss, m.TestLoss), checkpoint, topology);
            var result = LaplacianPe.Compute(g, pe);
            g.PositionalEncoding = result.Features;
            g.Eigenvalues = result.Eigenvalues;
            methods[i] = result.Method;
            graphs[i] = g;
        });
        return new RunGraphs(info.Task, info.Run, info.Architecture, info.Performance, pe.K, methods[0], graphs,
            RandomFeatures.Compute(topology.NodeCount, pe.K));
    }
}
