namespace StructureReps.Cli;

/// <summary>
/// A one-line progress bar redrawn in place on a terminal; when the output is redirected (CI, logs) it prints
/// a plain line at most every few seconds instead, so logs stay readable.
/// </summary>
public sealed class ProgressBar
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private DateTime _lastPrint = DateTime.MinValue;
    private int _lastLength;

    public void Update(double fraction, string text, bool force = false)
    {
        fraction = Math.Clamp(fraction, 0, 1);
        const int width = 24;
        int filled = (int)Math.Round(fraction * width);
        string line = $"[{new string('█', filled)}{new string('░', width - filled)}] {fraction,4:P0} {text}";
        if (_interactive)
        {
            Console.Write("\r" + line.PadRight(_lastLength));
            _lastLength = line.Length;
        }
        else if (force || (DateTime.UtcNow - _lastPrint).TotalSeconds >= 5)
        {
            Console.WriteLine(line);
            _lastPrint = DateTime.UtcNow;
        }
    }

    public void Done()
    {
        if (_interactive && _lastLength > 0) Console.WriteLine();
        _lastLength = 0;
    }
}

/// <summary>A plain text table with right-aligned numeric columns.</summary>
public static class TextTable
{
    public static void Print(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var widths = header.Select((h, c) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[c].Length))).ToArray();
        Console.WriteLine(string.Join("  ", header.Select((h, c) => h.PadLeft(widths[c]))));
        Console.WriteLine(string.Join("  ", widths.Select(w => new string('─', w))));
        foreach (var r in all) Console.WriteLine(string.Join("  ", r.Select((v, c) => v.PadLeft(widths[c]))));
    }
}
