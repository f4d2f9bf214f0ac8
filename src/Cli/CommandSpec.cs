namespace StructureReps.Cli;

/// <summary>
/// One option of a command. <see cref="Value"/> names its value in the help (<c>--runs N</c>); a flag has none.
/// <see cref="Choices"/> feed shell completion; the values are checked where they are read (Args), with messages
/// that name the option.
/// </summary>
public sealed record OptionSpec(string Name, string? Value, string Description, string[]? Choices = null, string[]? Aliases = null)
{
    public bool IsFlag => Value is null;
}

/// <summary>A positional argument: one value, or several (<see cref="Many"/>).</summary>
public sealed record ArgumentSpec(string Name, string Description, bool Many = false, bool Optional = false);

/// <summary>
/// One command's single definition: its name ("zoo train"), what it does, its options and arguments, and the code
/// that runs it. CommandLine.cs turns these into System.CommandLine commands, which give the parsing, `--help` for
/// every command and shell completion; <see cref="Run"/> reads the parsed values through <see cref="Args"/>.
/// </summary>
public sealed record CommandSpec(string Name, string Description, OptionSpec[] Options, Func<Args, int> Run, ArgumentSpec? Argument = null)
{
    /// <summary>Tokens this command does not know go to <see cref="Args.Rest"/> (bench passes them to BenchmarkDotNet).</summary>
    public bool PassThrough { get; init; }
}

/// <summary>Options several commands share.</summary>
public static class CommonOptions
{
    public static readonly OptionSpec Device = new("--device", "D",
        $"where to compute: {Backends.Choices} (default: $STRUCTUREREPS_DEVICE, else cpu)", Backends.Choices.Split('|'), ["--backend"]);

    public static readonly OptionSpec Data = new("--data", "DIR", "the datasets folder (default: ../shared/datasets)");

    /// <summary>The task names, from the registry (Zoo.Tasks): one list, wherever an option names tasks.</summary>
    public static readonly string[] Tasks = [.. Zoo.Tasks.All.Select(t => t.Name)];
}
