using System.Globalization;

namespace StructureReps.Cli;

/// <summary>
/// The options a command was given (`--name value`, `--flag`), read with the checks their values need and errors
/// that name the option. System.CommandLine has parsed them by the command's definition (CommandSpec).
/// </summary>
public sealed class Args
{
    private readonly Dictionary<string, string?> _values;
    private readonly HashSet<string> _used = [];

    /// <summary>The values System.CommandLine parsed (CommandLine.cs): given options, positional arguments, and the rest.</summary>
    public Args(Dictionary<string, string?> values, IReadOnlyList<string> arguments, IReadOnlyList<string> rest)
    {
        _values = values;
        Arguments = arguments;
        Rest = rest;
    }

    /// <summary>No options given (the demo without a command).</summary>
    public static Args Empty => new([], [], []);

    /// <summary>The positional arguments (predict's checkpoints, graphs show's file).</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The options given, in the command's definition order (a flag's value is null).</summary>
    public IEnumerable<KeyValuePair<string, string?>> Given => _values;

    /// <summary>The options given, as one would type them again (for a report's record of its command).</summary>
    public string CommandLine() => string.Join(' ', _values.Select(kv => kv.Value is null ? kv.Key : $"{kv.Key} {kv.Value}"));

    /// <summary>Tokens the command does not define, for a command that passes them on.</summary>
    public IReadOnlyList<string> Rest { get; }

    public string? String(string name) { _used.Add(name); return _values.GetValueOrDefault(name); }

    public string Required(string name) => String(name) ?? throw new UsageException($"{name} is required");

    /// <summary>A folder or file option: null when absent, an error when given empty or blank.</summary>
    public string? PathOption(string name)
    {
        var s = String(name);
        return s is null || !string.IsNullOrWhiteSpace(s) ? s : throw new UsageException($"{name}: expected a path, got an empty string");
    }

    public string RequiredPath(string name) => PathOption(name) ?? throw new UsageException($"{name} is required");

    public bool Flag(string name) { _used.Add(name); return _values.ContainsKey(name); }

    /// <summary>An integer option in [min, max] (the error says which range), or null when absent.</summary>
    public int? Int(string name, int min = 0, int max = int.MaxValue)
    {
        var s = String(name);
        if (s is null) return null;
        if (int.TryParse(s, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max) return v;
        string range = max == int.MaxValue
            ? min switch { 0 => "a non-negative integer", 1 => "a positive integer", _ => $"an integer ≥ {min}" }
            : $"an integer from {min} to {max}";
        throw new UsageException($"{name}: '{s}' is not {range}");
    }

    /// <summary>A count option: an integer ≥ 1 (zero runs, epochs or seeds would do nothing and say nothing).</summary>
    public int? Count(string name, int max = int.MaxValue) => Int(name, 1, max);

    public double? Double(string name)
    {
        var s = String(name);
        if (s is null) return null;
        return double.TryParse(s, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : throw new UsageException($"{name}: '{s}' is not a finite number");
    }

    /// <summary>A rate or scale that must be a finite number &gt; 0 (a learning rate of 0 or −1 trains nothing or diverges).</summary>
    public double? Positive(string name)
    {
        var v = Double(name);
        return v is null || v > 0 ? v : throw new UsageException($"{name}: '{String(name)}' is not a number > 0");
    }

    /// <summary>Fails on options the command did not read (typos must not be ignored silently).</summary>
    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option {unknown[0]}");
    }
}

public sealed class UsageException(string message) : Exception(message);
