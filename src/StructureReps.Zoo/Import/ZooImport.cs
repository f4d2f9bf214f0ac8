using System.Globalization;
using System.Text.RegularExpressions;
using StructureReps.Core;
using StructureReps.Nn.Serialization;
using StructureReps.Zoo.Training;

namespace StructureReps.Zoo.Import;

/// <summary>What one imported run held: its checkpoints, the epochs missing between them, where its targets came from.</summary>
public sealed record ImportedRun(int Run, string Source, string Architecture, int[] Epochs, int[] Gaps, string Targets);

/// <summary>
/// `zoo import`: networks saved elsewhere (safetensors state_dicts, <see cref="ForeignNetwork"/>) → a zoo in our
/// format, which `graphs build` and the rest read as if we had trained it.
/// <list type="bullet">
/// <item>FROM holding safetensors files is one run; FROM holding folders of them is one run per folder (natural order);</item>
/// <item>a file's epoch is the last number in its name (<c>epoch-7</c>, <c>epoch_007</c>, <c>ckpt-0007</c>); one file
/// without a number is epoch 0; gaps are allowed and reported;</item>
/// <item>an optional <c>metrics.csv</c> beside the checkpoints gives the targets, its columns mapped by name
/// (<c>train_acc</c>, <c>val_accuracy</c>, <c>test_loss</c>, …, see <see cref="Columns"/>), its rows by an
/// <c>epoch</c> column or by position; without it the targets are NaN: the networks can be embedded, not probed.</item>
/// </list>
/// Pickled PyTorch files (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>, <c>.ckpt</c>) are refused: loading one can run code.
/// </summary>
public static partial class ZooImport
{
    /// <summary>Accepted column names of a foreign metrics.csv, per target (lower-case, first match wins).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Columns = new Dictionary<string, string[]>
    {
        ["train_perf"] = ["train_perf", "train_accuracy", "train_acc", "train_r2", "train_score"],
        ["test_perf"] = ["test_perf", "test_accuracy", "test_acc", "val_accuracy", "val_acc", "valid_acc", "test_r2", "val_r2", "test_score", "val_score"],
        ["train_loss"] = ["train_loss"],
        ["test_loss"] = ["test_loss", "val_loss", "valid_loss"],
    };

    private static readonly string[] Pickled = [".pt", ".pth", ".bin", ".ckpt", ".pkl"];

    /// <param name="eachFileANetwork">Every safetensors file of <paramref name="from"/> is its own network (a run of
    /// one checkpoint, epoch 0) instead of an epoch of one run; FROM/metrics.csv then maps its rows to files by a
    /// <c>file</c> (or <c>name</c>, <c>checkpoint</c>) column.</param>
    public static List<ImportedRun> Import(string from, string output, string task, int[]? inputSize = null, CancellationToken cancel = default,
        bool eachFileANetwork = false)
    {
        if (!Directory.Exists(from)) throw new DirectoryNotFoundException($"{from}: no such folder");
        if (eachFileANetwork) return ImportEachFile(from, output, task, inputSize, cancel);
        var runDirs = Checkpoints(from).Count > 0 ? [from]
            : Directory.GetDirectories(from).Where(d => Checkpoints(d).Count > 0).OrderBy(d => ForeignNetwork.NaturalKey(Path.GetFileName(d)), StringComparer.Ordinal).ToList();
        if (runDirs.Count == 0)
        {
            var pickled = Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories).FirstOrDefault(f => Pickled.Contains(Path.GetExtension(f).ToLowerInvariant()));
            throw new DataFormatException(from, "checkpoints", pickled is not null
                ? $"no .safetensors files, but {Path.GetFileName(pickled)}: pickled PyTorch files can run code when loaded, so they are not read; save with safetensors.torch.save_file(model.state_dict(), path)"
                : "no .safetensors files in it or in its subfolders");
        }
        using var exclusive = OutputLock.Acquire(output);
        AtomicFile.RemoveOrphans(output);
        var imported = new List<ImportedRun>();
        for (int run = 0; run < runDirs.Count; run++)
        {
            cancel.ThrowIfCancellationRequested();
            imported.Add(ImportRun(runDirs[run], run, Path.Combine(output, $"run-{run:D4}"), task, inputSize));
        }
        return imported;
    }

    private static List<ImportedRun> ImportEachFile(string from, string output, string task, int[]? inputSize, CancellationToken cancel)
    {
        var files = Checkpoints(from);
        if (files.Count == 0) throw new DataFormatException(from, "checkpoints", "no .safetensors files in it");
        var targets = TargetsByFile(Path.Combine(from, "metrics.csv"));
        using var exclusive = OutputLock.Acquire(output);
        AtomicFile.RemoveOrphans(output);
        var imported = new List<ImportedRun>();
        for (int run = 0; run < files.Count; run++)
        {
            cancel.ThrowIfCancellationRequested();
            string name = Path.GetFileName(files[run]), stem = Path.GetFileNameWithoutExtension(files[run]);
            var row = targets?.GetValueOrDefault(name) ?? targets?.GetValueOrDefault(stem);
            imported.Add(WriteRun(Path.Combine(output, $"run-{run:D4}"), run, task, from, new SortedDictionary<int, string> { [0] = files[run] }, inputSize,
                [new EpochMetrics(0, row?[0] ?? double.NaN, row?[1] ?? double.NaN, row?[2] ?? double.NaN, row?[3] ?? double.NaN)],
                targets is null ? "unknown" : targets.Performance, row is null ? "none" : "metrics.csv row of " + name));
        }
        return imported;
    }

    /// <summary>FROM/metrics.csv of a folder of networks: per file name, its four targets (null without the file).</summary>
    private static FileTargets? TargetsByFile(string path)
    {
        if (MetricsTable.Read(path) is not { } table) return null;
        int key = new[] { "file", "name", "checkpoint" }.Select(n => table.Header.IndexOf(n)).FirstOrDefault(i => i >= 0, -1);
        if (key < 0) throw new DataFormatException(path, "header", "one network per file needs a file (or name, checkpoint) column naming each file");
        var result = new FileTargets(table.Performance);
        for (int r = 0; r < table.Rows.Count; r++)
            result[table.Rows[r][key].Trim()] = [.. Enumerable.Range(0, 4).Select(t => table.Target(r, t))];
        return result;
    }

    private sealed class FileTargets(string performance) : Dictionary<string, double[]>
    {
        public string Performance { get; } = performance;
    }

    /// <summary>A foreign metrics.csv: its lower-cased header, its rows (cell counts checked), and which column holds each target.</summary>
    private sealed record MetricsTable(string Path, List<string> Header, List<string[]> Rows, int[] Columns)
    {
        public static readonly string[] Targets = ["train_perf", "test_perf", "train_loss", "test_loss"];

        public static MetricsTable? Read(string path)
        {
            if (!File.Exists(path)) return null;
            var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
            if (lines.Count == 0) throw new DataFormatException(path, "header", "empty file");
            var header = lines[0].Split(',').Select(h => h.Trim().ToLowerInvariant()).ToList();
            var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
            for (int r = 0; r < rows.Count; r++)
                if (rows[r].Length != header.Count) throw new DataFormatException(path, $"line {r + 2}", $"{rows[r].Length} cells, the header has {header.Count}");
            var columns = Targets.Select(t => ZooImport.Columns[t].Select(name => header.IndexOf(name)).FirstOrDefault(i => i >= 0, -1)).ToArray();
            return new MetricsTable(path, header, rows, columns);
        }

        /// <summary>Whether row r says something about target t: the column exists and the cell is not empty.</summary>
        public bool HasCell(int r, int t) => Columns[t] >= 0 && Rows[r][Columns[t]].Trim().Length > 0;

        /// <summary>Target t of row r: NaN where it says nothing (<see cref="HasCell"/>).</summary>
        public double Target(int r, int t)
        {
            if (!HasCell(r, t)) return double.NaN;
            string cell = Rows[r][Columns[t]].Trim();
            return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
                : throw new DataFormatException(Path, $"line {r + 2}, column {Header[Columns[t]]}", $"'{cell}', expected a number");
        }

        /// <summary>What the performance columns hold: r2, accuracy, or unknown.</summary>
        public string Performance
        {
            get
            {
                string perf = string.Join(" ", new[] { Columns[0], Columns[1] }.Where(c => c >= 0).Select(c => Header[c]));
                return perf.Contains("r2") ? "r2" : perf.Contains("acc") ? "accuracy" : "unknown";
            }
        }
    }

    private static ImportedRun ImportRun(string dir, int run, string runDir, string task, int[]? inputSize)
    {
        var byEpoch = new SortedDictionary<int, string>();
        var files = Checkpoints(dir);
        foreach (var file in files)
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            var number = LastNumber().Match(stem);
            if (!number.Success && files.Count > 1)
                throw new DataFormatException(file, "name", "no epoch number in the name, and the folder holds several checkpoints (is each file its own network? import them so)").With(Remedy.EachFileANetwork);
            int epoch = number.Success && int.TryParse(number.Value, CultureInfo.InvariantCulture, out int e) ? e : 0;
            if (number.Success && epoch.ToString(CultureInfo.InvariantCulture).Length < number.Value.TrimStart('0').Length)
                throw new DataFormatException(file, "name", $"epoch number {number.Value} is out of range");
            if (byEpoch.TryGetValue(epoch, out var other))
                throw new DataFormatException(file, "name", $"epoch {epoch} again (also {Path.GetFileName(other)})");
            byEpoch[epoch] = file;
        }
        int last = byEpoch.Keys.Max();
        var (rows, performance, targets) = Targets(dir, last);
        return WriteRun(runDir, run, task, dir, byEpoch, inputSize, rows, performance, targets);
    }

    /// <summary>Our run folder from foreign checkpoints: weights under our names, metrics rows 0 … last, run.json.</summary>
    private static ImportedRun WriteRun(string runDir, int run, string task, string source, SortedDictionary<int, string> byEpoch, int[]? inputSize,
        List<EpochMetrics> rows, string performance, string targets)
    {
        var files = new RunFiles(runDir);
        using var exclusive = OutputLock.Acquire(runDir);
        Models.Architecture? architecture = null;
        foreach (var (epoch, file) in byEpoch)
        {
            var (arch, tensors) = ForeignNetwork.Read(file, inputSize);
            // A non-finite weight (a diverged or damaged checkpoint) is named here, in the file it came from, not
            // later in the imported copy.
            foreach (var t in tensors)
                Nn.Modules.Module.RequireFinite(t, file, "weights must be finite " +
                    "(a diverged or damaged checkpoint; leave it out of the folder to import the rest)");
            if (architecture is not null && System.Text.Json.JsonSerializer.Serialize(arch) != System.Text.Json.JsonSerializer.Serialize(architecture))
                throw new DataFormatException(file, "architecture", $"{arch}, but the run's earlier checkpoints are {architecture}");
            architecture = arch;
            SafeTensors.Write(files.Checkpoint(epoch), tensors, new Dictionary<string, string>
            {
                ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
                ["task"] = task,
                ["format"] = "pt",
                ["imported_from"] = Path.GetFullPath(file),
            });
        }
        int last = byEpoch.Keys.Max();
        files.WriteMetrics(rows);
        files.WriteInfo(new RunInfo
        {
            Task = task,
            Run = run,
            Architecture = architecture!,
            Config = new TrainConfig { Epochs = last },
            ParameterCount = architecture!.ParameterCount(),
            Dataset = $"imported from {Path.GetFullPath(source)}",
            Preprocessing = "unknown (trained elsewhere)",
            TrainSamples = 0,
            TestSamples = 0,
            Performance = performance,
        });
        var gaps = Enumerable.Range(0, last + 1).Where(e => !byEpoch.ContainsKey(e)).ToArray();
        return new ImportedRun(run, source, architecture.ToString(), [.. byEpoch.Keys], gaps, targets);
    }

    private static List<string> Checkpoints(string dir) =>
        Directory.GetFiles(dir, "*.safetensors").OrderBy(f => ForeignNetwork.NaturalKey(Path.GetFileName(f)), StringComparer.Ordinal).ToList();

    /// <summary>Rows 0 … last of our metrics.csv from the folder's metrics.csv (NaN where it says nothing), and what it held.</summary>
    private static (List<EpochMetrics> Rows, string Performance, string Described) Targets(string dir, int last)
    {
        var values = Enumerable.Range(0, last + 1).Select(_ => new double[] { double.NaN, double.NaN, double.NaN, double.NaN }).ToArray();
        string path = Path.Combine(dir, "metrics.csv");
        if (MetricsTable.Read(path) is not { } table) return (Rows(values), "unknown", "none (no metrics.csv)");
        if (table.Columns.All(c => c < 0))
            throw new DataFormatException(path, "header", $"none of the known columns ({string.Join(", ", Columns.Values.SelectMany(v => v))})");
        int epochColumn = table.Header.IndexOf("epoch");
        for (int r = 0; r < table.Rows.Count; r++)
        {
            int epoch = r;
            if (epochColumn >= 0 && !int.TryParse(table.Rows[r][epochColumn], CultureInfo.InvariantCulture, out epoch))
                throw new DataFormatException(path, $"line {r + 2}, column epoch", $"'{table.Rows[r][epochColumn]}', expected an integer");
            if (epoch < 0 || epoch > last) continue; // rows of epochs without a checkpoint say nothing about a network
            for (int t = 0; t < 4; t++)
                if (table.HasCell(r, t)) values[epoch][t] = table.Target(r, t);
        }
        string described = string.Join(", ", MetricsTable.Targets.Zip(table.Columns).Where(p => p.Second >= 0).Select(p => $"{p.First} ← {table.Header[p.Second]}"));
        return (Rows(values), table.Performance, described);
    }

    private static List<EpochMetrics> Rows(double[][] values) =>
        values.Select((v, e) => new EpochMetrics(e, v[0], v[1], v[2], v[3])).ToList();

    [GeneratedRegex("[0-9]+(?=[^0-9]*$)")]
    private static partial Regex LastNumber();
}
