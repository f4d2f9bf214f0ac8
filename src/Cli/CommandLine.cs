using System.CommandLine;
using System.CommandLine.Parsing;

namespace StructureReps.Cli;

/// <summary>
/// The command tree, built from every command's <see cref="CommandSpec"/> on System.CommandLine: parsing (unknown
/// options, missing values and arguments are refused), `--help` for the program and every command, shell
/// completion (the <c>[suggest]</c> directive, for dotnet-suggest). A parse error is a <see cref="UsageException"/>,
/// so it takes the CLI's one error path (Failure.cs): one line and that command's help, exit 2.
/// </summary>
public static class CommandLine
{
    private static readonly Lazy<RootCommand> Tree = new(Build);

    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        .. Commands.DemoCommand.Specs,
        .. Commands.ReproduceCommand.Specs,
        .. Commands.DecodeCommand.Specs,
        .. Commands.PredictCommand.Specs,
        .. Commands.PlotCommand.Specs,
        .. Commands.ZooCommand.Specs,
        .. Commands.GraphsCommand.Specs,
        .. Commands.EncodeCommand.Specs,
        .. Commands.BenchmarkCommand.Specs,
        .. Commands.BenchCommand.Specs,
        .. Commands.SlurmCommand.Specs,
        new("info", "the engine's backends, the GEMM provider (native BLAS or managed), LAPACK and the SIMD width", [], _ => Info.Print()),
    ];

    /// <summary>Parses and runs a command line (the program's, or a command's words and options from a test).</summary>
    public static int Run(string[] args)
    {
        RequireKnownCommand(args);
        var parsed = Tree.Value.Parse(args);
        if (parsed.Errors.Count > 0) throw new UsageException(parsed.Errors[0].Message);
        // Exceptions reach Failure.Report, and Interrupt handles Ctrl+C: System.CommandLine's handlers stay off.
        return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
    }

    /// <summary>
    /// A word where a command belongs that names none is refused, with the commands there are — also before
    /// `--help`, which System.CommandLine would otherwise answer with the program's help and exit 0.
    /// </summary>
    private static void RequireKnownCommand(string[] args)
    {
        Command at = Tree.Value;
        var path = new List<string> { "structurereps" };
        foreach (var word in args)
        {
            if (at.Subcommands.Count == 0 || word.StartsWith('-') || word.StartsWith('[')) return;
            var next = at.Subcommands.FirstOrDefault(c => c.Name == word || c.Aliases.Contains(word));
            if (next is null)
                throw new UsageException($"'{word}' is not a command of {string.Join(' ', path)}; the commands are " +
                    string.Join(", ", at.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)));
            path.Add(word);
            at = next;
        }
    }

    /// <summary>What is wrong with a command line, as <see cref="Run"/> would refuse it, or null: parsed, not run.</summary>
    public static string? Check(string[] args)
    {
        try { RequireKnownCommand(args); }
        catch (UsageException e) { return e.Message; }
        var parsed = Tree.Value.Parse(args);
        return parsed.Errors.Count > 0 ? parsed.Errors[0].Message : null;
    }

    /// <summary>The help of the command <paramref name="args"/> name (as far as they name one), or the program's.</summary>
    public static void PrintHelp(string[] args)
    {
        var words = new List<string>();
        Command at = Tree.Value;
        foreach (var a in args)
        {
            var next = at.Subcommands.FirstOrDefault(c => c.Name == a);
            if (next is null) break;
            words.Add(a);
            at = next;
        }
        Tree.Value.Parse([.. words, "--help"]).Invoke();
    }

    private static RootCommand Build()
    {
        var root = new RootCommand("""
            StructureReps.NET — read a network's properties from its weights. Without a command: the demo.

            devices: every command that trains or embeds takes --device auto|cpu|cuda|opencl|ilgpu-cpu|managed|reference
                     (or STRUCTUREREPS_DEVICE). cpu (default): SIMD CPU backend, native BLAS when present;
                     cuda/opencl/ilgpu-cpu: the ILGPU kernels on that accelerator; auto: CUDA if present, else cpu.
            errors:  one line naming the file and field or the option; exit 1 bad input, 2 bad usage, 70 a defect of
                     ours, 130/143 interrupted (rerun the command to resume). --verbose (or STRUCTUREREPS_VERBOSE=1)
                     adds the stack trace.
            """);
        root.SetAction(_ => Commands.DemoCommand.Demo(Args.Empty));
        foreach (var spec in All)
        {
            var words = spec.Name.Split(' ');
            Command parent = root;
            foreach (var word in words[..^1])
            {
                var existing = parent.Subcommands.FirstOrDefault(c => c.Name == word);
                if (existing is null) parent.Subcommands.Add(existing = new Command(word, $"the {word} commands"));
                parent = existing;
            }
            parent.Subcommands.Add(Command(spec, words[^1]));
        }
        return root;
    }

    private static Command Command(CommandSpec spec, string name)
    {
        var command = new Command(name, spec.Description) { TreatUnmatchedTokensAsErrors = !spec.PassThrough };
        var options = new List<(OptionSpec Spec, Option Option)>();
        foreach (var o in spec.Options)
        {
            Option option = o.IsFlag
                ? new Option<bool>(o.Name, o.Aliases ?? []) { Description = o.Description }
                : new Option<string>(o.Name, o.Aliases ?? []) { Description = o.Description, HelpName = o.Value };
            if (o.Choices is { } choices) option.CompletionSources.Add(choices);
            command.Options.Add(option);
            options.Add((o, option));
        }
        // A single value is an Argument<string>: System.CommandLine cannot bind one token to string[] (every
        // one-argument command failed to parse with it), so only the many-valued argument is an array.
        Argument<string[]>? many = null;
        Argument<string>? single = null;
        if (spec.Argument is { } a)
        {
            if (a.Many)
                command.Arguments.Add(many = new Argument<string[]>(a.Name)
                {
                    Description = a.Description, Arity = a.Optional ? ArgumentArity.ZeroOrMore : ArgumentArity.OneOrMore,
                });
            else
                command.Arguments.Add(single = new Argument<string>(a.Name)
                {
                    Description = a.Description, Arity = a.Optional ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
                });
        }
        command.SetAction(parsed =>
        {
            var values = new Dictionary<string, string?>();
            foreach (var (o, option) in options)
            {
                if (parsed.GetResult(option) is not { Implicit: false } given) continue;
                values[o.Name] = o.IsFlag ? null : given.Tokens.Count > 0 ? given.Tokens[^1].Value : "";
            }
            string[] positional = many is not null ? parsed.GetValue(many) ?? []
                : single is not null && parsed.GetValue(single) is { } one ? [one] : [];
            return spec.Run(new Args(values, positional, [.. parsed.UnmatchedTokens]));
        });
        return command;
    }
}
