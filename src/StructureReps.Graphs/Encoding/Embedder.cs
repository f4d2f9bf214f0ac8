using System.Globalization;
using System.Text;
using StructureReps.Core;
using StructureReps.Core.Memory;
using StructureReps.Graphs.Conversion;

namespace StructureReps.Graphs.Encoding;

/// <summary>One graph's embedding with what it is decoded against (spec §7).</summary>
public sealed record EmbeddingRow(string Task, CheckpointTargets Targets, float[] Vector);

/// <summary>
/// Graph embeddings (spec §6): the encoder in inference mode (z = μ, canonical LF signs, no noise), μ pooled
/// per graph by its mean (or [mean ‖ max]). Written as CSV: task, run, epoch, train/test performance and loss,
/// then z0 … z(d−1).
/// </summary>
public static class Embedder
{
    public const string Header = "task,run,epoch,train_perf,test_perf,train_loss,test_loss";

    public static List<EmbeddingRow> Embed(TrainedEncoder encoder, IReadOnlyList<NetworkGraph> graphs, string task, int batchGraphs = 64)
    {
        var model = encoder.Model;
        var config = encoder.Config;
        model.Eval();
        var backend = model.Parameters().First().Backend;
        var rows = new List<EmbeddingRow>(graphs.Count);
        var rf = new Dictionary<int, float[]>();
        using var _ = Core.Autodiff.Tape.NoGrad();
        for (int first = 0; first < graphs.Count; first += batchGraphs)
        {
            var part = graphs.Skip(first).Take(batchGraphs).ToList();
            using var scope = BufferScope.Begin(); // the batch's tensors go back to the pool after its rows are read
            var features = part.Select(g => GraphBatch.InputFeatures(config, g, null, rf)).ToList();
            var batch = new GraphBatch(part, features, config.K, encoder.Standardizer.Apply, config.Undirected, backend);
            var (mu, _) = model.Encode(batch);
            var pooled = Ops.SegmentMean(mu, batch.GraphOf, part.Count);
            if (config.Pooling == PoolingKind.MeanMax) pooled = Ops.Concat([pooled, Ops.SegmentMax(mu, batch.GraphOf, part.Count)], 1);
            var values = pooled.ToArray();
            int d = pooled.Shape[1];
            for (int i = 0; i < part.Count; i++) rows.Add(new EmbeddingRow(task, part[i].Targets, values.AsSpan(i * d, d).ToArray()));
        }
        return rows;
    }

    /// <summary>
    /// One network's embedding from its weights alone (predict, the native library): its graph made by the featurizer
    /// the encoder's training graphs were made by, embedded as <see cref="Embed"/> does; <paramref name="source"/>
    /// names it in errors. The embedding is checked finite: a value a damaged checkpoint slips past the weight checks
    /// must not come out as a number.
    /// </summary>
    public static float[] EmbedNetwork(TrainedEncoder encoder, Zoo.Models.Architecture architecture, List<Nn.Serialization.NamedArray> tensors, string source)
    {
        var featurizer = encoder.RequireFeaturizer("encoder");
        var unknown = new CheckpointTargets(0, 0, double.NaN, double.NaN, double.NaN, double.NaN);
        var (graph, _) = featurizer.Graph(architecture, tensors, unknown, source);
        var z = Embed(encoder, [graph], encoder.Task)[0].Vector;
        int bad = Array.FindIndex(z, v => !float.IsFinite(v));
        if (bad >= 0) throw new DataFormatException(source, $"embedding[{bad}]", $"{z[bad]}: the network's graph gives a non-finite embedding (extreme weights?)");
        return z;
    }

    public static void WriteCsv(string path, IReadOnlyList<EmbeddingRow> rows)
    {
        int d = rows.Count > 0 ? rows[0].Vector.Length : 0;
        var sb = new StringBuilder(Header);
        for (int i = 0; i < d; i++) sb.Append(",z").Append(i);
        sb.Append('\n');
        foreach (var r in rows)
        {
            var t = r.Targets;
            sb.Append(string.Create(CultureInfo.InvariantCulture, $"{r.Task},{t.Run},{t.Epoch},{t.TrainPerformance:R},{t.TestPerformance:R},{t.TrainLoss:R},{t.TestLoss:R}"));
            foreach (float v in r.Vector) sb.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    public static List<EmbeddingRow> ReadCsv(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no embeddings file (write one with `encode embed`)", path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !lines[0].StartsWith(Header, StringComparison.Ordinal))
            throw new DataFormatException(path, "header", $"expected '{Header},z0,…'");
        int d = lines[0].Split(',').Length - 7;
        if (d < 1) throw new DataFormatException(path, "header", $"no embedding columns: expected '{Header},z0,…'");
        var rows = new List<EmbeddingRow>();
        var inv = CultureInfo.InvariantCulture;
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var c = lines[i].Split(',');
            if (c.Length != 7 + d) throw new DataFormatException(path, $"line {i + 1}", $"{c.Length} columns, expected {7 + d}");
            try
            {
                var targets = new CheckpointTargets(int.Parse(c[1], inv), int.Parse(c[2], inv), double.Parse(c[3], inv), double.Parse(c[4], inv), double.Parse(c[5], inv), double.Parse(c[6], inv));
                if (!double.IsFinite(targets.TrainPerformance) || !double.IsFinite(targets.TestPerformance))
                    throw new DataFormatException(path, $"line {i + 1}", "train_perf and test_perf must be finite numbers (the probe's targets)");
                var vector = c.Skip(7).Select(x => float.Parse(x, inv)).ToArray();
                int bad = Array.FindIndex(vector, v => !float.IsFinite(v));
                if (bad >= 0)
                    throw new DataFormatException(path, $"line {i + 1}, z{bad}", $"'{c[7 + bad]}': embeddings must be finite (a diverged encoder writes NaN; retrain it)");
                rows.Add(new EmbeddingRow(c[0], targets, vector));
            }
            catch (FormatException) { throw new DataFormatException(path, $"line {i + 1}", "a number column does not parse"); }
            catch (OverflowException) { throw new DataFormatException(path, $"line {i + 1}", "run or epoch is out of the integer range"); }
        }
        return rows;
    }
}

