using StructureReps.Core;

namespace StructureReps.Cli;

/// <summary>
/// The CLI's one error path. A failure is one line on stderr: bad usage exits 2 (with the help), bad input — a
/// missing or malformed file, an impossible setting — exits 1 with a message that names the file and the field,
/// an interrupt exits 130/143 after saying how to resume. Anything else is a defect of ours: one line naming the
/// exception, exit 70 (EX_SOFTWARE). A stack trace only with --verbose or STRUCTUREREPS_VERBOSE=1.
/// </summary>
public static class Failure
{
    public const string VerboseFlag = "--verbose";
    public const string VerboseVariable = "STRUCTUREREPS_VERBOSE";
    public const int BadInput = 1, BadUsage = 2, Defect = 70;

    public static bool Verbose { get; private set; }

    /// <summary>Takes --verbose out of the arguments (it may stand anywhere) and notes it.</summary>
    public static string[] TakeVerbose(string[] args)
    {
        Verbose = args.Contains(VerboseFlag) || Environment.GetEnvironmentVariable(VerboseVariable) is "1" or "true";
        return [.. args.Where(a => a != VerboseFlag)];
    }

    /// <summary>The exception a parallel loop or task wrapped: its first real one (a cancellation only if all were).</summary>
    public static Exception Unwrap(Exception e)
    {
        while (e is AggregateException a)
        {
            var inner = a.Flatten().InnerExceptions;
            e = inner.FirstOrDefault(x => x is not OperationCanceledException) ?? inner.FirstOrDefault() ?? e;
            if (ReferenceEquals(e, a)) break;
        }
        return e is System.Reflection.TargetInvocationException { InnerException: { } t } ? Unwrap(t) : e;
    }

    /// <summary>Bad input: what a user can fix from the message alone.</summary>
    public static bool IsBadInput(Exception e) => e is IOException or ArgumentException or InvalidOperationException or FormatException
        or OverflowException or UnauthorizedAccessException or System.Text.Json.JsonException or NotSupportedException
        or InvalidDataException; // a damaged file (not an IOException)

    /// <summary>The command being run ("encode train"), for hints in its own flags; set by <see cref="Report"/>'s caller.</summary>
    public static string Command { get; set; } = "";

    /// <summary>What to change, in this command's flags, for an error that carries a <see cref="Remedy"/>.</summary>
    public static string Hint(Exception e)
    {
        bool pipeline = Command is "reproduce" or "demo" or "slurm" or "";
        return Remedies.Of(e) switch
        {
            Remedy.OtherOutput => "; use another --out",
            Remedy.LowerLearningRate => pipeline ? "" : "; try a lower --lr",
            Remedy.MoreEpochs => pipeline ? "; use another --out, or a larger --encoder-epochs to continue it" : "; use another --out, or a larger --epochs to continue it",
            Remedy.OtherFeatureWidth => "; graphs build --k sets the width",
            Remedy.InputSize => "; give it with --input C,H,W",
            Remedy.DataRoot => "; pass --data DIR",
            Remedy.EachFileANetwork => "; zoo import --each-file-a-network",
            Remedy.SolverBudget => "; a --dense-threshold above the graph's node count solves it densely",
            _ => "",
        };
    }

    /// <summary>Reports <paramref name="e"/> and returns the exit code.</summary>
    public static int Report(Exception e, Func<string, int> usage)
    {
        var real = Unwrap(e);
        if (real is UsageException) return usage(real.Message);
        if (real is OperationCanceledException && Interrupt.Requested)
        {
            Console.Error.WriteLine("stopped: every finished step is saved; run the same command again to resume");
            return Interrupt.ExitCode;
        }
        if (IsBadInput(real))
        {
            Console.Error.WriteLine($"\nerror: {real.Message}{Hint(real)}");
            if (Verbose) Console.Error.WriteLine(e);
            return BadInput;
        }
        Console.Error.WriteLine($"\ninternal error: {real.GetType().Name}: {real.Message} — a defect of StructureReps; " +
            (Verbose ? "the stack trace follows" : $"rerun with {VerboseFlag} for the stack trace and report it"));
        if (Verbose) Console.Error.WriteLine(e);
        return Defect;
    }
}
