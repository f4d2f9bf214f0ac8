namespace StructureReps.Cli;

/// <summary>
/// A one-line progress bar redrawn in place on a terminal; when the output is redirected (CI, logs) it prints
/// a plain line at most every few seconds instead, so logs stay readable. Each line says how long the work has run,
/// how long it has left and how fast it goes (<paramref name="unit"/> per second): a zoo of hours needs all three.
/// </summary>
/// <param name="unit">What <see cref="Update"/>'s <c>units</c> count: "epochs", "networks".</param>
public sealed class ProgressBar(string unit = "steps")
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private DateTime _lastPrint = DateTime.MinValue;
    private int _lastLength;
    private double _fraction, _skipped, _units;

    /// <param name="units">Work done since the last update, in the bar's unit; 0 for work found already done (a run
    /// complete on disk), which takes no time and so does not count towards the rate or the time left.</param>
    public void Update(double fraction, string text, bool force = false, double units = 1)
    {
        fraction = Math.Clamp(fraction, 0, 1);
        if (units <= 0) _skipped += Math.Max(0, fraction - _fraction);
        _fraction = fraction;
        _units += Math.Max(0, units);
        const int width = 24;
        int filled = (int)Math.Round(fraction * width);
        string line = $"[{new string('█', filled)}{new string('░', width - filled)}] {fraction,4:P0} {Timing(fraction)}  {text}";
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

    /// <summary>Marks work up to <paramref name="fraction"/> as found done (a resume): it counts towards neither the
    /// rate nor the time left. Prints nothing.</summary>
    public void Skip(double fraction)
    {
        fraction = Math.Clamp(fraction, 0, 1);
        _skipped += Math.Max(0, fraction - _fraction);
        _fraction = Math.Max(_fraction, fraction);
    }

    /// <summary>True before the first <see cref="Update"/> or <see cref="Skip"/>.</summary>
    public bool Fresh => _fraction == 0 && _units == 0;

    /// <summary>"1 min 12 s, 2 min left, 3.2 epochs/s": elapsed, the time left at the rate so far, the rate.</summary>
    public string Timing(double fraction)
    {
        double elapsed = _clock.Elapsed.TotalSeconds, worked = fraction - _skipped;
        string left = fraction >= 1 ? "done" : worked > 0 && elapsed > 0 ? Duration(elapsed * (1 - fraction) / worked) + " left" : "– left";
        double rate = elapsed > 0 ? _units / elapsed : 0;
        string perSecond = rate >= 1 || rate == 0 ? $"{rate:F1} {unit}/s" : $"{(rate * 60):F1} {unit}/min";
        return $"{Duration(elapsed)}, {left}, {perSecond}";
    }

    public static string Duration(double seconds) => seconds switch
    {
        < 60 => $"{seconds:F0} s",
        < 3600 => $"{(int)(seconds / 60)} min {(int)(seconds % 60):D2} s",
        _ => $"{(int)(seconds / 3600)} h {(int)(seconds % 3600 / 60):D2} min",
    };

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
