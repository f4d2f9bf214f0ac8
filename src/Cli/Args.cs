using System.Globalization;

namespace StructureReps.Cli;

/// <summary>`--name value` and `--flag` options of a subcommand, with errors that name the option.</summary>
public sealed class Args
{
    private readonly Dictionary<string, string?> _values = new();
    private readonly HashSet<string> _used = [];

    public Args(IEnumerable<string> args, params string[] flags)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{a}'");
            if (flags.Contains(a)) { _values[a] = null; continue; }
            if (i + 1 >= list.Count) throw new UsageException($"{a} needs a value");
            _values[a] = list[++i];
        }
    }

    public string? String(string name) { _used.Add(name); return _values.GetValueOrDefault(name); }

    public string Required(string name) => String(name) ?? throw new UsageException($"{name} is required");

    public bool Flag(string name) { _used.Add(name); return _values.ContainsKey(name); }

    public int? Int(string name)
    {
        var s = String(name);
        if (s is null) return null;
        return int.TryParse(s, CultureInfo.InvariantCulture, out int v) && v >= 0 ? v : throw new UsageException($"{name}: '{s}' is not a non-negative integer");
    }

    public double? Double(string name)
    {
        var s = String(name);
        if (s is null) return null;
        return double.TryParse(s, CultureInfo.InvariantCulture, out double v) ? v : throw new UsageException($"{name}: '{s}' is not a number");
    }

    /// <summary>Fails on options the command did not read (typos must not be ignored silently).</summary>
    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option {unknown[0]}");
    }
}

public sealed class UsageException(string message) : Exception(message);
