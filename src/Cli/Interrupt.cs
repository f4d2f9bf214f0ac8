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

    private static void Request(int exitCode, string what)
    {
        _exitCode = exitCode;
        Console.Error.WriteLine($"\n{what}");
        Source.Cancel();
    }
}
