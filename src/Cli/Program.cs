using System.Runtime.Intrinsics;
using StructureReps.Backends.Cpu;
using StructureReps.Backends.Cpu.Gemm;
using StructureReps.Core.Backends.Reference;

// The StructureReps command line. The pipeline stages (zoo, graphs, encode, decode, reproduce) are added by
// their own modules; this entry point already carries the engine's own commands.
StructureReps.Cli.Interrupt.Install();
args = StructureReps.Cli.Failure.TakeVerbose(args);
if (args.Length > 1 && args.Skip(1).Any(a => a is "--help" or "-h")) return Help(0, command: args);
try
{
    return args.FirstOrDefault() switch
    {
        null => StructureReps.Cli.Commands.ReproduceCommand.Demo([]),
        "demo" => StructureReps.Cli.Commands.ReproduceCommand.Demo(args[1..]),
        "reproduce" => StructureReps.Cli.Commands.ReproduceCommand.Reproduce(args[1..]),
        "decode" => StructureReps.Cli.Commands.ReproduceCommand.Decode(args[1..]),
        "predict" => StructureReps.Cli.Commands.ReproduceCommand.Predict(args[1..]),
        "plot" => StructureReps.Cli.Commands.ReproduceCommand.Plot(args[1..]),
        "zoo" => StructureReps.Cli.Commands.ZooCommand.Run(args[1..]),
        "graphs" => StructureReps.Cli.Commands.GraphsCommand.Run(args[1..]),
        "encode" => StructureReps.Cli.Commands.EncodeCommand.Run(args[1..]),
        "info" => Info(),
        "bench" => StructureReps.Cli.Commands.BenchCommand.Run(args[1..]),
        "slurm" => StructureReps.Cli.Commands.SlurmCommand.Run(args[1..]),
        "help" or "--help" or "-h" => Help(0),
        _ => Help(2, $"unknown command '{args[0]}'"),
    };
}
catch (Exception e)
{
    return StructureReps.Cli.Failure.Report(e, message => Help(StructureReps.Cli.Failure.BadUsage, message, args));
}

static IReadOnlyList<StructureReps.Cli.CommandHelp> AllHelp() =>
[
    .. StructureReps.Cli.Commands.ReproduceCommand.Help,
    .. StructureReps.Cli.Commands.ZooCommand.Help,
    .. StructureReps.Cli.Commands.GraphsCommand.Help,
    .. StructureReps.Cli.Commands.EncodeCommand.Help,
    .. StructureReps.Cli.Commands.BenchCommand.Help,
    .. StructureReps.Cli.Commands.SlurmCommand.Help,
    new("info", "", "the engine's backends, the GEMM provider (native BLAS or managed) and the SIMD width"),
    new("help", "", "this text; COMMAND --help prints one command's"),
];

static int Help(int code, string? error = null, string[]? command = null)
{
    if (error is not null) Console.Error.WriteLine($"error: {error}\n");
    // After a usage error, or for COMMAND --help: that command's help only, if it has one.
    if (command is { Length: > 0 } && StructureReps.Cli.CommandHelp.PrintFor(AllHelp(), command)) return code;
    Console.WriteLine("""
        StructureReps.NET — read a network's properties from its weights.

        usage: dotnet run --project src/Cli -- <command> [options]   (COMMAND --help: one command's help)

        commands:
        """);
    foreach (var h in AllHelp()) h.Print();
    Console.WriteLine("""

        devices: every command that trains or embeds takes --device auto|cpu|cuda|opencl|ilgpu-cpu|managed|reference
                 (or the environment variable STRUCTUREREPS_DEVICE). cpu (default): SIMD CPU backend, native BLAS when
                 present; cuda/opencl/ilgpu-cpu: the ILGPU kernels on that accelerator; auto: CUDA if present, else cpu.
                 example: dotnet run --project src/Cli -- zoo train --task two-moons --runs 2 --epochs 5 --out zoos/m --device cuda
        errors:  one line naming the file and field or the option; exit 1 bad input, 2 bad usage, 70 a defect of ours,
                 130/143 interrupted (rerun the command to resume). --verbose (or STRUCTUREREPS_VERBOSE=1) adds the
                 stack trace.
        """);
    return code;
}

static int Info()
{
    Console.WriteLine($"SIMD          Vector512 {(Vector512.IsHardwareAccelerated ? "yes" : "no")}, Vector256 {(Vector256.IsHardwareAccelerated ? "yes" : "no")}");
    Console.WriteLine($"threads       {Environment.ProcessorCount}");
    Console.WriteLine($"native BLAS   {NativeBlas.Provider}");
    Console.WriteLine($"LAPACK        {StructureReps.Graphs.Spectral.Lapack.Provider}");
    Console.WriteLine($"backends      {CpuBackend.Default.Name} (GEMM: {CpuBackend.Default.GemmProvider}), {new CpuBackend(false).Name}, {ReferenceBackend.Instance.Name}");
    Console.WriteLine($"ILGPU         {string.Join("; ", StructureReps.Backends.Ilgpu.IlgpuDevices.Describe())}");
    Console.WriteLine($"device        {StructureReps.Cli.Backends.Select((string?)null).Name} (--device or {StructureReps.Cli.Backends.EnvironmentVariable})");
    return 0;
}

