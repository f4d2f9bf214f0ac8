using System.Runtime.Intrinsics;
using StructureReps.Backends.Cpu;
using StructureReps.Backends.Cpu.Gemm;
using StructureReps.Core.Backends.Reference;

// The StructureReps command line. The pipeline stages (zoo, graphs, encode, decode, reproduce) are added by
// their own modules; this entry point already carries the engine's own commands.
StructureReps.Cli.Interrupt.Install();
args = StructureReps.Cli.Failure.TakeVerbose(args);
try
{
    return args.FirstOrDefault() switch
    {
        null => StructureReps.Cli.Commands.ReproduceCommand.Demo([]),
        "demo" => StructureReps.Cli.Commands.ReproduceCommand.Demo(args[1..]),
        "reproduce" => StructureReps.Cli.Commands.ReproduceCommand.Reproduce(args[1..]),
        "decode" => StructureReps.Cli.Commands.ReproduceCommand.Decode(args[1..]),
        "plot" => StructureReps.Cli.Commands.ReproduceCommand.Plot(args[1..]),
        "zoo" => StructureReps.Cli.Commands.ZooCommand.Run(args[1..]),
        "graphs" => StructureReps.Cli.Commands.GraphsCommand.Run(args[1..]),
        "encode" => StructureReps.Cli.Commands.EncodeCommand.Run(args[1..]),
        "info" => Info(),
        "bench" => StructureReps.Cli.Commands.BenchCommand.Run(args[1..]),
        "help" or "--help" or "-h" => Help(0),
        _ => Help(2, $"unknown command '{args[0]}'"),
    };
}
catch (Exception e)
{
    return StructureReps.Cli.Failure.Report(e, message => Help(StructureReps.Cli.Failure.BadUsage, message));
}

static int Help(int code, string? error = null)
{
    if (error is not null) Console.Error.WriteLine($"error: {error}\n");
    Console.WriteLine("""
        StructureReps.NET — read a network's properties from its weights.

        usage: dotnet run --project src/Cli -- <command> [options]

        commands:
          (no command) / demo [--out runs/demo] [--runs 10] [--epochs 25] [--encoder-epochs 40]
                 the quick end-to-end run on two-moons: zoo → graphs → EA+TC+LF → probe, with the paper's number
                 example: dotnet run --project src/Cli
          reproduce [--quick | --paper] [--plan] [--tasks a,b,…] [--encoders ea-tc-lf,ea-tc-lf:distance,…] [--runs N] [--epochs N] [--encoder-epochs N] [--seeds 5] [--out DIR]
                    [--encoder-seeds 1] [--inductive-seeds 5] [--inductive-encoders ea-tc-lf,…] [--device D]
                 every task × the four encoders and EA+TC+LF with the distance decoder, the untrained-encoder
                 baseline, split modes random, by-run and inductive (by-run with an encoder
                 trained on the training runs only, one per seed; --inductive-seeds 0 skips it), baselines →
                 DIR/report.md (Tables 1–2 beside the paper's) and, with covertype, Figure 2 (regular/deeper/wider
                 variants; --no-figure2 skips it);
                 --paper: the paper's protocol (one network per task, 200 epochs, a graph per epoch, 200 encoder
                 epochs, random split); --plan prints each stage's estimated time, measured here, and runs nothing;
                 --encoder-seeds N trains each encoder from N initializations and pools their probes;
                 reruns reuse every stage on disk. A task whose data is missing is listed as such
                 example: dotnet run --project src/Cli -- reproduce --quick
          decode --embeddings FILE [--seeds 5]
                 the ridge probe on one embeddings CSV: Pearson, Spearman, Kendall, R² for both splits and targets
                 example: dotnet run --project src/Cli -- decode --embeddings enc/moons/embeddings.csv
          plot --embeddings FILE --out PNG [--color test|train|epoch|run]
                 the embeddings' 2-D PCA, coloured by a target (ScottPlot, headless)
                 example: dotnet run --project src/Cli -- plot --embeddings enc/moons/embeddings.csv --out moons.png
          zoo train --task T --runs N --epochs E --out DIR [--shard i/n] [--arch regular|deeper|wider]
                    [--seed S] [--data DIR] [--max-train N] [--max-test N] [--device D]
                 train a model zoo (checkpoint per epoch in safetensors, metrics.csv, run.json); reruns skip
                 complete runs and resume interrupted ones. Tasks: two-moons, california-housing, covertype,
                 cifar10, imagenet-subset, fashion-mnist
                 example: dotnet run --project src/Cli -- zoo train --task two-moons --runs 8 --epochs 20 --out zoos/moons
          zoo show --zoo DIR
                 the runs of a zoo, their networks and final performance
          graphs build --zoo DIR --out DIR [--k 8] [--binary] [--dense-threshold 2000] [--lapack auto|mkl|system|managed]
                 each checkpoint of a zoo → a graph (neurons or channels as nodes, weights or k×k filters as edge
                 features) with Laplacian-eigenvector (LF) and random (RF) node features; one safetensors file per
                 run; reruns skip runs already built
                 example: dotnet run --project src/Cli -- graphs build --zoo zoos/moons --out graphs/moons
          graphs show FILE
                 nodes and edges per layer, weight statistics and the Laplacian spectrum per epoch of one run
                 example: dotnet run --project src/Cli -- graphs show graphs/moons/run-0000.safetensors
          encode train --graphs DIR --out DIR [--encoder ea-tc-lf|ea-gc-lf|gc-lf|gc-rf] [--epochs 200] [--batch 32]
                       [--lr 0.01] [--heads 1] [--seed S] [--pooling mean|mean-max] [--no-standardize] [--forward]
                       [--decoder inner|bilinear|distance]   (inner: the paper's σ(z_i·z_j))
                 train the VGAE over a graph zoo (resumes after the last saved epoch), then write embeddings.csv
                 example: dotnet run --project src/Cli -- encode train --graphs graphs/moons --out enc/moons --epochs 20
          encode embed --encoder FILE --graphs DIR [--out FILE]
                 embed a graph zoo with a trained encoder (mean of μ per graph) as CSV with run, epoch and targets
                 example: dotnet run --project src/Cli -- encode embed --encoder enc/moons/encoder.safetensors --graphs graphs/moons
          bench [devices|epochs|gemm|conv|sparse|attention|pe|peer|all] [BenchmarkDotNet options]
                 the benchmarks of this checkout in Release (default: devices — every op at two sizes, SIMD CPU vs
                 ILGPU; epochs — an MLP, a CNN and the VGAE epoch per device); tables as in benchmarks/README.md
                 example: dotnet run --project src/Cli -- bench epochs
          info   the engine's backends, the GEMM provider (native BLAS or managed) and the SIMD width
                 example: dotnet run --project src/Cli -- info
          help   this text

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

