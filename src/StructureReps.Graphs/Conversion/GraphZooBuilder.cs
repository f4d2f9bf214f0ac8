using System.Diagnostics;
using System.Text.Json;
using StructureReps.Core;
using StructureReps.Graphs.Featurization;
using StructureReps.Graphs.Spectral;
using StructureReps.Nn.Serialization;
using StructureReps.Zoo.Training;

namespace StructureReps.Graphs.Conversion;

/// <summary>What `graphs build` wrote (graphs.json): the zoo's task, the common edge width, the PE options and the
/// featurizer they make up, which every graph of the folder was built with.</summary>
/// <param name="Featurizer">Null in graphs.json files older than it; <see cref="GraphZooBuilder.ReadInfo"/> then
/// rebuilds it from the fields beside it, which recorded every option that could be set.</param>
public sealed record GraphZooInfo(string Task, int EdgeDim, int K, bool Weighted, int DenseThreshold, string Zoo, int[] Runs,
    Featurizer? Featurizer = null);

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

    /// <param name="shardIndex">With <paramref name="shardCount"/> &gt; 1, this process converts the runs with
    /// run % shardCount == shardIndex only (an array task of a cluster job): the folder is locked shared and each
    /// run exclusively, so shards run at once and never write the same run; graphs.json keeps every run listed, so
    /// loading refuses the folder until every shard is done (an unsharded build then finds all runs built and
    /// writes the final list).</param>
    public static GraphZooInfo Build(string zooDir, string outDir, PeOptions pe, IGraphProgress? progress = null, CancellationToken cancel = default,
        int shardIndex = 0, int shardCount = 1)
    {
        if (!Directory.Exists(zooDir)) throw new DirectoryNotFoundException($"{zooDir}: no such zoo folder (train one with `zoo train`)");
        if (shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount)
            throw new ArgumentException($"shard {shardIndex}/{shardCount}: expected i/n with 0 ≤ i < n");
        bool sharded = shardCount > 1;
        // Unsharded: a second build into this folder is refused. Sharded: other shards are welcome, an unsharded build is not.
        using var folderLock = sharded ? OutputLock.AcquireShared(outDir) : OutputLock.Acquire(outDir);
        if (!sharded) AtomicFile.RemoveOrphans(outDir); // temporary files of a killed earlier build (a shard's are its runs', below)
        var runDirs = Directory.GetDirectories(zooDir, "run-*").Order(StringComparer.Ordinal).ToList();
        var runs = runDirs.Select(d => (Dir: d, Files: new RunFiles(d))).Select(r => (r.Dir, r.Files, Info: r.Files.ReadInfo())).Where(r => r.Info is not null).ToList();
        if (runs.Count == 0) throw new InvalidOperationException($"{zooDir}: no run-NNNN/run.json found (is this a zoo folder?)");
        RequireWholeRuns(runDirs, runs.Select(r => (r.Dir, r.Info!)).ToList());
        var tasks = runs.Select(r => r.Info!.Task).Distinct().ToList();
        if (tasks.Count > 1) throw new InvalidOperationException($"{zooDir}: runs of several tasks ({string.Join(", ", tasks)}); a graph zoo is one task");
        int edgeDim = GraphBuilder.EdgeDim(runs.Select(r => r.Info!.Architecture));
        var featurizer = Featurizer.From(pe, edgeDim);
        var info = new GraphZooInfo(tasks[0], edgeDim, pe.K, pe.Weighted, pe.DenseThreshold, Path.GetFullPath(zooDir),
            runs.Select(r => r.Info!.Run).ToArray(), featurizer);
        Directory.CreateDirectory(outDir);
        string infoPath = Path.Combine(outDir, InfoFile);
        if (File.Exists(infoPath))
        {
            var old = ReadInfo(outDir);
            if (old.Featurizer != featurizer || old.Task != info.Task)
                throw new InvalidOperationException(
                    $"{infoPath}: built for task {old.Task} with {old.Featurizer}; this build is {info.Task} with {featurizer}").With(Remedy.OtherOutput);
        }
        AtomicFile.WriteAllText(infoPath, JsonSerializer.Serialize(info, RunFiles.Json));

        var mine = runs.Where(r => r.Info!.Run % shardCount == shardIndex).ToList();
        for (int position = 0; position < mine.Count; position++)
        {
            cancel.ThrowIfCancellationRequested();
            var (dir, files, runInfo) = mine[position];
            using var runLock = sharded ? OutputLock.Acquire(outDir, $"run-{runInfo!.Run:D4}") : null;
            if (sharded) AtomicFile.RemoveTemporaries(outDir, Path.GetFileName(RunPath(outDir, runInfo!.Run)));
            var clock = Stopwatch.StartNew();
            var metrics = files.ReadMetrics();
            string? unlisted = UnlistedCheckpoints(files, metrics);
            if (unlisted is not null)
                throw new DataFormatException(files.MetricsCsv, "rows", unlisted);
            // A zoo saved every n epochs, or one that lost files, has gaps: the checkpoints present are used, the
            // gaps said. A run that diverged (its loss turned NaN or infinite: SGD with a large learning rate does)
            // has no meaningful weights from then on; its earlier checkpoints are kept and the rest left out. A run
            // that records no losses (an imported zoo without metrics) cannot tell, and keeps every checkpoint.
            var onDisk = metrics.ToLookup(m => File.Exists(files.Checkpoint(m.Epoch)));
            var saved = onDisk[true].ToList();
            bool recordsLoss = saved.Count > 0 && Finite(saved[0]);
            int cut = recordsLoss ? saved.FindIndex(m => !Finite(m)) : -1;
            var present = cut < 0 ? saved : saved.Take(cut).ToList();
            int until = cut < 0 ? int.MaxValue : saved[cut].Epoch;
            string notes = cut >= 0 ? $"; diverged at epoch {until}, {saved.Count - cut} checkpoints left out" : "";
            var gaps = onDisk[false].Where(m => m.Epoch < until).Select(m => m.Epoch).ToList();
            if (gaps.Count > 0) notes += $"; {gaps.Count} checkpoints missing (epoch {Ranges(gaps)})";
            string path = RunPath(outDir, runInfo!.Run);
            if (present.Count == 0)
            {
                if (File.Exists(path)) File.Delete(path); // graphs of checkpoints that are gone are stale
                progress?.RunDone(position, mine.Count, runInfo.Run, 0, true, "no checkpoints" + notes, 0);
                continue;
            }
            string source = SourceOf(files, present);
            if (File.Exists(path))
            {
                // Built from these very files: keep. Files from before the source hash was recorded are kept when
                // their checkpoint count matches; anything else (a retrained zoo, a changed checkpoint) is rebuilt.
                string? old = GraphFile.Source(path);
                if (old == source || (old is null && GraphFile.Checkpoints(path) == present.Count))
                {
                    // Skipped only when it still reads whole, with these features: a file damaged since (a NaN
                    // written into it, its k edited) is rebuilt, not counted complete.
                    string? damage = GraphFile.Problem(path, featurizer, present.Count);
                    if (damage is null)
                    {
                        progress?.RunDone(position, mine.Count, runInfo.Run, present.Count, true, notes.TrimStart(';', ' '), 0);
                        continue;
                    }
                    notes += $"; rebuilt: {damage}";
                }
                else notes += "; rebuilt: its checkpoints changed since the last build";
            }
            var run = ConvertRun(files, runInfo, present, featurizer, cancel) with { Source = source };
            GraphFile.Write(path, run);
            progress?.RunDone(position, mine.Count, runInfo.Run, present.Count, false, run.PeMethod + notes, clock.Elapsed.TotalSeconds);
        }
        // graphs.json lists the runs that have graphs (a run without checkpoints has none); an interrupted build
        // leaves the full list, so loading says it is unfinished instead of silently using fewer runs. A shard
        // cannot know whether the others are done, so it leaves the full list too.
        if (sharded) return info;
        info = info with { Runs = [.. runs.Select(r => r.Info!.Run).Where(r => File.Exists(RunPath(outDir, r)))] };
        AtomicFile.WriteAllText(infoPath, JsonSerializer.Serialize(info, RunFiles.Json));
        return info;
    }

    /// <summary>
    /// Every run folder is a whole run, once: a run-NNNN folder without run.json, or two folders claiming one run,
    /// would leave a run out of the graphs without a word.
    /// </summary>
    private static void RequireWholeRuns(List<string> runDirs, List<(string Dir, RunInfo Info)> runs)
    {
        var described = runs.Select(r => r.Dir).ToHashSet();
        foreach (var dir in runDirs.Where(d => !described.Contains(d)))
            if (Directory.EnumerateFileSystemEntries(dir).Any(f => !Path.GetFileName(f).StartsWith('.')))
                throw new DataFormatException(Path.Combine(dir, "run.json"), "run.json",
                    "missing, but the folder holds files: a damaged run (restore run.json, or train the run again)");
        foreach (var same in runs.GroupBy(r => r.Info.Run).Where(g => g.Count() > 1))
            throw new DataFormatException(Path.Combine(same.ElementAt(1).Dir, "run.json"), "run",
                $"{same.Key}, as in {Path.Combine(same.First().Dir, "run.json")}: two folders claim one run");
    }

    /// <summary>
    /// Why a run's metrics.csv cannot describe its checkpoints — missing, header only, or ending before the last
    /// checkpoint (truncated, or a run interrupted between its weights and its log) — or null. Every checkpoint needs
    /// its row: without one it would silently not be converted.
    /// </summary>
    private static string? UnlistedCheckpoints(RunFiles files, List<EpochMetrics> metrics)
    {
        var epochs = Directory.GetFiles(files.Directory, "epoch-*.safetensors")
            .Select(f => int.TryParse(Path.GetFileNameWithoutExtension(f)[6..], System.Globalization.CultureInfo.InvariantCulture, out int e) ? e : -1)
            .Where(e => e >= metrics.Count).Order().ToList();
        if (epochs.Count == 0) return null;
        string what = !File.Exists(files.MetricsCsv) ? "missing" : metrics.Count == 0 ? "no rows" : $"rows for epochs 0–{metrics.Count - 1} only";
        return $"{what}, but the run holds checkpoints of epoch {Ranges(epochs)}; finish the run with `zoo train` " +
            "(an interrupted one resumes), or restore the file";
    }

    /// <summary>
    /// What a run's graphs are built from, as one hash: run.json, the metrics rows and the bytes of each checkpoint
    /// used. Reading the checkpoints costs far less than converting them, and catches a zoo retrained in place.
    /// </summary>
    public static string SourceOf(RunFiles files, IReadOnlyList<EpochMetrics> used)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(files.RunJson));
        foreach (var m in used)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(m.ToCsv() + "\n"));
            using var checkpoint = File.OpenRead(files.Checkpoint(m.Epoch));
            var buffer = new byte[1 << 16];
            for (int n; (n = checkpoint.Read(buffer)) > 0;) hash.AppendData(buffer, 0, n);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>"3, 5–9, 12": epochs as ranges, for a one-line note.</summary>
    private static string Ranges(IReadOnlyList<int> sorted)
    {
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? $"{sorted[i]}" : $"{sorted[i]}–{sorted[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }

    private static bool Finite(EpochMetrics m) => double.IsFinite(m.TrainLoss) && double.IsFinite(m.TestLoss);

    public static string RunPath(string graphsDir, int run) => Path.Combine(graphsDir, $"run-{run:D4}.safetensors");

    public static GraphZooInfo ReadInfo(string graphsDir)
    {
        string path = Path.Combine(graphsDir, InfoFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: not found (build graphs with `graphs build`)", path);
        GraphZooInfo info;
        try { info = JsonSerializer.Deserialize<GraphZooInfo>(File.ReadAllText(path), RunFiles.Json) ?? throw new JsonException("null"); }
        catch (JsonException e) { throw new DataFormatException(path, "graphs.json", $"not a graph zoo description ({e.Message})"); }
        if (info.Task is null) throw new DataFormatException(path, "task", "missing");
        if (info.Runs is null || info.Runs.Any(r => r < 0)) throw new DataFormatException(path, "runs", "missing, or a run number below 0");
        if (info.EdgeDim < 1 || info.K < 0) throw new DataFormatException(path, "edge_dim", $"edge_dim {info.EdgeDim}, k {info.K}: expected edge_dim ≥ 1 and k ≥ 0");
        if (info.Featurizer is null)
            return info with { Featurizer = new Featurizer { K = info.K, Weighted = info.Weighted, DenseThreshold = info.DenseThreshold, EdgeDim = info.EdgeDim } };
        if (info.Featurizer.Problem() is { } problem) throw new DataFormatException(path, "featurizer", problem);
        if (info.Featurizer.K != info.K || info.Featurizer.EdgeDim != info.EdgeDim || info.Featurizer.Weighted != info.Weighted)
            throw new DataFormatException(path, "featurizer", $"k {info.Featurizer.K}, edge_dim {info.Featurizer.EdgeDim}, weighted {info.Featurizer.Weighted}, " +
                $"but the fields beside it say k {info.K}, edge_dim {info.EdgeDim}, weighted {info.Weighted}");
        return info;
    }

    /// <summary>Every run's graphs of a built graph zoo, in run order.</summary>
    public static List<RunGraphs> Load(string graphsDir)
    {
        var info = ReadInfo(graphsDir);
        var paths = info.Runs.Select(r => RunPath(graphsDir, r)).ToList();
        if (paths.FirstOrDefault(p => !File.Exists(p)) is { } missing)
            throw new FileNotFoundException($"{missing}: listed in {Path.Combine(graphsDir, InfoFile)} but not there (an unfinished `graphs build`? run it again)", missing);
        var runs = paths.Select(GraphFile.Read).ToList();
        for (int i = 0; i < runs.Count; i++)
        {
            if (runs[i].Featurizer is null) runs[i] = runs[i] with { Featurizer = info.Featurizer }; // files older than the record
            else if (runs[i].Featurizer != info.Featurizer)
                throw new DataFormatException(paths[i], "__metadata__.featurizer",
                    $"{runs[i].Featurizer}, but {Path.Combine(graphsDir, InfoFile)} says {info.Featurizer}: graphs of one folder share one featurizer");
            if (runs[i].K != info.K) throw new DataFormatException(paths[i], "__metadata__.k", $"{runs[i].K}, but {Path.Combine(graphsDir, InfoFile)} says k {info.K}");
        }
        return runs;
    }

    /// <summary>The featurizer every graph of a built folder was made with.</summary>
    public static Featurizer FeaturizerOf(string graphsDir) => ReadInfo(graphsDir).Featurizer!;

    public static RunGraphs ConvertRun(RunFiles files, RunInfo info, IReadOnlyList<EpochMetrics> metrics, Featurizer featurizer, CancellationToken cancel = default)
    {
        var topology = GraphBuilder.Topology(info.Architecture);
        var graphs = new NetworkGraph[metrics.Count];
        var methods = new string[metrics.Count];
        Parallel.For(0, metrics.Count, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            var m = metrics[i];
            string checkpoint = files.Checkpoint(m.Epoch);
            var tensors = SafeTensors.Read(checkpoint).Tensors;
            (graphs[i], methods[i]) = featurizer.Graph(info.Architecture, tensors,
                new CheckpointTargets(info.Run, m.Epoch, m.TrainPerformance, m.TestPerformance, m.TrainLoss, m.TestLoss), checkpoint, topology);
        });
        return new RunGraphs(info.Task, info.Run, info.Architecture, info.Performance, featurizer.K, methods[0], graphs,
            featurizer.RandomFeatures(topology.NodeCount), Featurizer: featurizer);
    }
}
