// The StructureReps command line: every command is defined once beside its code (a CommandSpec in Commands/),
// parsed by System.CommandLine (CommandLine.cs); every failure takes one path (Failure.cs).
StructureReps.Cli.Interrupt.Install();
args = StructureReps.Cli.Failure.TakeVerbose(args);
StructureReps.Cli.Failure.Command = string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(2));
if (args is ["help"]) args = ["--help"];
try
{
    return StructureReps.Cli.CommandLine.Run(args);
}
catch (Exception e)
{
    return StructureReps.Cli.Failure.Report(e, message =>
    {
        Console.Error.WriteLine($"error: {message}\n");
        StructureReps.Cli.CommandLine.PrintHelp(args); // that command's help, as far as the arguments name one
        return StructureReps.Cli.Failure.BadUsage;
    });
}
