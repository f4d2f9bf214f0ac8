namespace StructureReps.Core;

/// <summary>
/// A file that does not hold what it should. The message always names the file, the field (or line/record)
/// and what was expected, so a user can find the problem without a debugger.
/// </summary>
public sealed class DataFormatException(string file, string field, string problem)
    : IOException($"{file}: {field}: {problem}")
{
    public string File { get; } = file;
    public string Field { get; } = field;
    public string Problem { get; } = problem;
}
