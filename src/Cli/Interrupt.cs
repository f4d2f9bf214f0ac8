using System.Runtime.InteropServices;

namespace StructureReps.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM ask the running stage to stop after its current step (a zoo epoch, a run's graphs,
/// an encoder epoch), whose files are complete; the command then says how to resume and exits 130 or 143, the
/// shell's codes for those signals. A second Ctrl-C ends the process at once.
/// </summary>
public static class Interrupt
{
    private static readonly CancellationTokenSource Source = new();
    private static PosixSignalRegistration? _term;
    private static int _exitCode;

    public static CancellationToken Token => Source.Token;

    public static bool Requested => Source.IsCancellationRequested;

    /// <summary>130 after SIGINT, 143 after SIGTERM.</summary>
    public static int ExitCode => _exitCode;

    public static void Install()
    {
        RestoreDefaultSigint();
        Console.CancelKeyPress += (_, e) =>
        {
            if (Requested) return; // the second Ctrl-C: let it end the process
            e.Cancel = true;
            Request(130, "interrupt: stopping after the current step (Ctrl-C again to stop at once)");
        };
        try
        {
            _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                Request(143, "SIGTERM: stopping after the current step");
            });
        }
        catch (PlatformNotSupportedException) { } // no SIGTERM here: Ctrl-C still stops cleanly
    }

    /// <summary>
    /// A shell starts background jobs of a script (`cmd &amp;`) with SIGINT ignored, and .NET then installs no handler
    /// for it: Ctrl-C or `kill -INT` would do nothing, and a test or a job runner that stops us that way would wait
    /// forever. We put the default back before .NET looks, so SIGINT stops a run cleanly wherever it was started.
    /// </summary>
    private static void RestoreDefaultSigint()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            const int sigint = 2;
            nint previous = Signal(sigint, 0 /* SIG_DFL */);
            if (previous != 0 && previous != 1 /* SIG_IGN */) Signal(sigint, previous); // someone's handler: keep it
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [DllImport("libc.so.6", EntryPoint = "signal")]
    private static extern nint Signal(int signal, nint handler);

    private static void Request(int exitCode, string what)
    {
        _exitCode = exitCode;
        Console.Error.WriteLine($"\n{what}");
        Source.Cancel();
    }
}
