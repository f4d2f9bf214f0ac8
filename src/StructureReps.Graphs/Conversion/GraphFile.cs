using System.Globalization;
using System.Text.Json;
using StructureReps.Core;
using StructureReps.Graphs.Featurization;
using StructureReps.Nn.Serialization;
using StructureReps.Zoo.Models;
using StructureReps.Zoo.Training;

namespace StructureReps.Graphs.Conversion;

/// <summary>All checkpoints of one run as graphs, with what is needed to rebuild them and their features.</summary>
/// <param name="Source">What the graphs were built from: a hash of the run's run.json, metrics rows and checkpoint
/// bytes (<see cref="GraphZooBuilder.SourceOf"/>); a rebuild is due when it changes. Null in files older than it.</param>
/// <param name="Featurizer">What made the graphs and their features; null in files older than it (graphs.json says).</param>
public sealed record RunGraphs(string Task, int Run, Architecture Architecture, string Performance, int K, string PeMethod,
    IReadOnlyList<NetworkGraph> Graphs, float[] RandomFeatures, string? Source = null, Featurizer? Featurizer = null)
{
    public LayeredTopology Topology => Graphs[0].Topology;
}

/// <summary>
/// One run's graphs in one safetensors file (readable by `safetensors.torch.load_file`): the topology is the
/// same for every epoch of a run and follows from the layer sizes, so only values are stored —
/// `edge_attr` [T, E, D], `node_bias` [T, N], `lf` [T, N, k], `eigenvalues` [T, k], `rf` [N, k] and
/// `targets` [T, 6] (run, epoch, train/test performance, train/test loss); the architecture and options are
/// in the metadata. T checkpoints, E edges, D edge width, N nodes.
/// </summary>
public static class GraphFile
{
    public const string Format = "structurereps-graphs-1";

    public static void Write(string path, RunGraphs run)
    {
        var g0 = run.Graphs[0];
        int t = run.Graphs.Count, n = g0.NodeCount, e = g0.EdgeCount, d = g0.EdgeDim, k = run.K;
        var edge = new float[(long)t * e * d];
        var bias = new float[t * n];
        var lf = new float[t * n * k];
        var eig = new float[t * k];
        var targets = new float[t * 6];
        for (int i = 0; i < t; i++)
        {
            var g = run.Graphs[i];
            Array.Copy(g.EdgeFeatures, 0, edge, (long)i * e * d, e * d);
            Array.Copy(g.NodeBias, 0, bias, i * n, n);
            if (g.PositionalEncoding is { } pe) Array.Copy(pe, 0, lf, i * n * k, n * k);
            for (int c = 0; c < k; c++) eig[i * k + c] = (float)(g.Eigenvalues?[c] ?? double.NaN);
            var tg = g.Targets;
            double[] row = [tg.Run, tg.Epoch, tg.TrainPerformance, tg.TestPerformance, tg.TrainLoss, tg.TestLoss];
            for (int c = 0; c < 6; c++) targets[i * 6 + c] = (float)row[c];
        }
        SafeTensors.Write(path,
        [
            new NamedArray("edge_attr", [t, e, d], edge),
            new NamedArray("node_bias", [t, n], bias),
            new NamedArray("lf", [t, n, k], lf),
            new NamedArray("eigenvalues", [t, k], eig),
            new NamedArray("rf", [n, k], run.RandomFeatures),
            new NamedArray("targets", [t, 6], targets),
        ], new Dictionary<string, string>
        {
            ["format"] = Format,
            ["task"] = run.Task,
            ["run"] = run.Run.ToString(CultureInfo.InvariantCulture),
            ["architecture"] = JsonSerializer.Serialize(run.Architecture, RunFiles.Json),
            ["layer_sizes"] = string.Join(",", g0.Topology.LayerSizes),
            ["performance"] = run.Performance,
            ["pe_method"] = run.PeMethod,
            ["k"] = k.ToString(CultureInfo.InvariantCulture),
            ["source"] = run.Source ?? "",
            ["featurizer"] = run.Featurizer?.ToJson() ?? "",
        });
    }

    public static RunGraphs Read(string path)
    {
        var (tensors, meta) = SafeTensors.Read(path);
        string Meta(string key) => meta.TryGetValue(key, out var v) ? v : throw new DataFormatException(path, $"__metadata__.{key}", "missing (not a graphs file written by `graphs build`?)");
        if (Meta("format") != Format) throw new DataFormatException(path, "__metadata__.format", $"'{meta["format"]}', expected '{Format}'");
        Architecture arch;
        try { arch = JsonSerializer.Deserialize<Architecture>(Meta("architecture"), RunFiles.Json)!; }
        catch (JsonException ex) { throw new DataFormatException(path, "__metadata__.architecture", $"not an architecture ({ex.Message})"); }
        if (arch is null) throw new DataFormatException(path, "__metadata__.architecture", "null, expected an architecture");
        if (arch.Problem() is { } problem) throw new DataFormatException(path, "__metadata__.architecture", problem);
        var topology = GraphBuilder.Topology(arch);
        int k = DataFormatException.ParseInt(path, "__metadata__.k", Meta("k"), min: 0);
        var byName = tensors.ToDictionary(x => x.Name);
        NamedArray Get(string name, int rank)
        {
            if (!byName.TryGetValue(name, out var x)) throw new DataFormatException(path, name, "missing");
            if (x.Shape.Length != rank) throw new DataFormatException(path, name, $"rank {x.Shape.Length}, expected {rank}");
            return x;
        }
        var edge = Get("edge_attr", 3);
        int t = edge.Shape[0], e = edge.Shape[1], d = edge.Shape[2], n = topology.NodeCount;
        if (e != topology.EdgeCount) throw new DataFormatException(path, "edge_attr", $"{e} edges, but {arch} has {topology.EdgeCount}");
        var bias = Get("node_bias", 2);
        var lf = Get("lf", 3);
        var eig = Get("eigenvalues", 2);
        var targets = Get("targets", 2);
        var rf = Get("rf", 2);
        if (!bias.Shape.SequenceEqual([t, n])) throw new DataFormatException(path, "node_bias", $"shape [{string.Join(", ", bias.Shape)}], expected [{t}, {n}]");
        if (!lf.Shape.SequenceEqual([t, n, k])) throw new DataFormatException(path, "lf", $"shape [{string.Join(", ", lf.Shape)}], expected [{t}, {n}, {k}]");
        if (!eig.Shape.SequenceEqual([t, k])) throw new DataFormatException(path, "eigenvalues", $"shape [{string.Join(", ", eig.Shape)}], expected [{t}, {k}]");
        if (!targets.Shape.SequenceEqual([t, 6])) throw new DataFormatException(path, "targets", $"shape [{string.Join(", ", targets.Shape)}], expected [{t}, 6]");
        if (!rf.Shape.SequenceEqual([n, k])) throw new DataFormatException(path, "rf", $"shape [{string.Join(", ", rf.Shape)}], expected [{n}, {k}]");
        foreach (var x in new[] { edge, bias, lf, rf }) GraphBuilder.RequireFinite(x, path); // targets may be NaN: an imported zoo without metrics
        int runNumber = DataFormatException.ParseInt(path, "__metadata__.run", Meta("run"), min: 0);
        var graphs = new List<NetworkGraph>(t);
        for (int i = 0; i < t; i++)
        {
            var tg = targets.Data.AsSpan(i * 6, 6);
            // Run and epoch label every embedding row: a NaN there would be read as run 0, silently.
            if (tg[0] != runNumber || !(tg[1] >= 0 && tg[1] <= int.MaxValue && tg[1] == MathF.Floor(tg[1])))
                throw new DataFormatException(path, $"targets[{i}]", $"run {tg[0]}, epoch {tg[1]}: expected run {runNumber} and a whole epoch ≥ 0");
            var g = new NetworkGraph(topology, d, edge.Data.AsSpan(i * e * d, e * d).ToArray(), bias.Data.AsSpan(i * n, n).ToArray(),
                new CheckpointTargets((int)tg[0], (int)tg[1], tg[2], tg[3], tg[4], tg[5]))
            {
                PositionalEncoding = lf.Data.AsSpan(i * n * k, n * k).ToArray(),
                Eigenvalues = eig.Data.AsSpan(i * k, k).ToArray().Select(v => (double)v).ToArray(),
            };
            graphs.Add(g);
        }
        Featurizer? featurizer = null;
        if (meta.GetValueOrDefault("featurizer") is { Length: > 0 } json)
        {
            featurizer = Featurizer.Parse(json, path, "__metadata__.featurizer");
            if (featurizer.K != k || featurizer.EdgeDim != d)
                throw new DataFormatException(path, "__metadata__.featurizer", $"k {featurizer.K}, edge_dim {featurizer.EdgeDim}, but the file holds k {k}, edge width {d}");
        }
        return new RunGraphs(Meta("task"), runNumber, arch, Meta("performance"), k, Meta("pe_method"), graphs, rf.Data,
            meta.GetValueOrDefault("source") is { Length: > 0 } source ? source : null, featurizer);
    }

    /// <summary>The source hash a graphs file was built from (null in files older than it), from its header alone.</summary>
    public static string? Source(string path) =>
        SafeTensors.ReadInfo(path).Metadata.GetValueOrDefault("source") is { Length: > 0 } source ? source : null;

    /// <summary>
    /// Why a built graph file cannot be kept as complete — it does not read (damaged, non-finite values), was made by
    /// another featurizer or holds another number of checkpoints — or null when it can.
    /// </summary>
    public static string? Problem(string path, Featurizer featurizer, int checkpoints)
    {
        RunGraphs run;
        try { run = Read(path); }
        catch (Exception e) when (e is DataFormatException or InvalidDataException or EndOfStreamException or IOException)
        {
            return $"the file was damaged ({e.Message})";
        }
        if ((run.Featurizer ?? featurizer) != featurizer || run.K != featurizer.K) return "it was made with other features";
        return run.Graphs.Count == checkpoints ? null : $"it holds {run.Graphs.Count} checkpoints, not {checkpoints}";
    }

    /// <summary>The number of checkpoints a graphs file holds, from its header alone (to skip complete runs).</summary>
    public static int Checkpoints(string path)
    {
        var (tensors, _) = SafeTensors.ReadInfo(path);
        return tensors.FirstOrDefault(x => x.Name == "targets").Shape?[0] ?? 0;
    }
}
