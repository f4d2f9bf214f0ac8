using System.Globalization;
using StructureReps.Core;

namespace StructureReps.Benchmark;

/// <summary>
/// Networks (runs) split into training, validation and test networks: every checkpoint of a network is on one side,
/// so a model is scored on networks it has never seen — the field's protocol (Unterthiner et al.; NFN; Neural
/// Graphs). Seeded, or read from a file, as NFN's CSV splits are.
/// </summary>
public sealed record NetworkSplit(IReadOnlySet<int> Train, IReadOnlySet<int> Validation, IReadOnlySet<int> Test)
{
    /// <summary>
    /// A seeded split of <paramref name="runs"/>: 70 % train, 10 % validation, 20 % test (each side ≥ 1 network).
    /// </summary>
    public static NetworkSplit Random(IEnumerable<int> runs, ulong seed, double train = 0.7, double validation = 0.1)
    {
        var order = runs.Distinct().Order().ToArray();
        if (order.Length < 3)
            throw new ArgumentException($"a split by network needs at least 3 networks, the zoo has {order.Length}");
        Rng.Derive(seed, 0xBE4C).Shuffle(order);
        int nTrain = Math.Clamp((int)Math.Round(order.Length * train), 1, order.Length - 2);
        int nValidation = Math.Clamp((int)Math.Round(order.Length * validation), 1, order.Length - nTrain - 1);
        return new NetworkSplit(order[..nTrain].ToHashSet(), order[nTrain..(nTrain + nValidation)].ToHashSet(),
            order[(nTrain + nValidation)..].ToHashSet());
    }

    /// <summary>
    /// A split file: CSV with a header naming <c>run</c> and <c>split</c> columns, one row per network, the split
    /// <c>train</c>, <c>val</c> (or <c>validation</c>) or <c>test</c>. Every network of the zoo must be named once.
    /// </summary>
    public static NetworkSplit Read(string path, IReadOnlyCollection<int> runs)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such split file", path);
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        var header = lines.Count > 0 ? lines[0].Split(',').Select(h => h.Trim().ToLowerInvariant()).ToList() : [];
        int run = header.IndexOf("run"), split = header.IndexOf("split");
        if (run < 0 || split < 0) throw new DataFormatException(path, "header", "expected columns run and split");
        var sides = new Dictionary<int, string>();
        for (int i = 1; i < lines.Count; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != header.Count)
                throw new DataFormatException(path, $"line {i + 1}", $"{cells.Length} cells, expected {header.Count}");
            if (!int.TryParse(cells[run].Trim(), CultureInfo.InvariantCulture, out int r) || r < 0)
                throw new DataFormatException(path, $"line {i + 1}, run",
                    $"'{cells[run]}', expected a run number ≥ 0");
            string side = cells[split].Trim().ToLowerInvariant() switch
            {
                "train" => "train",
                "val" or "validation" => "val",
                "test" => "test",
                var other => throw new DataFormatException(path, $"line {i + 1}, split",
                    $"'{other}', expected train, val or test"),
            };
            if (!sides.TryAdd(r, side))
                throw new DataFormatException(path, $"line {i + 1}", $"run {r} again: each network on one side");
        }
        if (runs.FirstOrDefault(r => !sides.ContainsKey(r), -1) is var missing and >= 0)
            throw new DataFormatException(path, "run", $"run {missing} of the zoo is not in the split file");
        HashSet<int> Side(string name) =>
            [.. sides.Where(s => s.Value == name && runs.Contains(s.Key)).Select(s => s.Key)];
        var result = new NetworkSplit(Side("train"), Side("val"), Side("test"));
        if (result.Train.Count == 0 || result.Test.Count == 0)
            throw new DataFormatException(path, "split", "no training or no test network");
        return result;
    }
}
