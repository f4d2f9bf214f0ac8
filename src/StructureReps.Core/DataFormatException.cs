namespace StructureReps.Core;

/// <summary>
/// A file that does not hold what it should. The message always names the file, the field (or line/record)
/// and what was expected, so a user can find the problem without a debugger.
/// </summary>
public sealed class DataFormatException(string file, string field, string problem)
    : IOException($"{file}: {field}: {problem}")
{
    public string File { get; } = file;

    /// <summary>An integer field of a file (metadata, a header): the value, or this exception naming the field.</summary>
    public static int ParseInt(string file, string field, string? text, int min = int.MinValue)
    {
        if (text is not null && int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) && v >= min)
            return v;
        string expected = min == int.MinValue ? "an integer" : $"an integer ≥ {min}";
        throw new DataFormatException(file, field, text is null ? $"missing, expected {expected}" : $"'{text}', expected {expected}");
    }

    public string Field { get; } = field;
    public string Problem { get; } = problem;
}
