using System.Runtime.Intrinsics;
using StructureReps.Backends.Cpu;
using StructureReps.Backends.Cpu.Gemm;
using StructureReps.Core.Backends.Reference;

namespace StructureReps.Cli;

/// <summary>`info`: what this machine gives the engine (SIMD width, threads, BLAS, LAPACK, backends, ILGPU devices).</summary>
public static class Info
{
    public static int Print()
    {
        Console.WriteLine($"SIMD          Vector512 {(Vector512.IsHardwareAccelerated ? "yes" : "no")}, Vector256 {(Vector256.IsHardwareAccelerated ? "yes" : "no")}");
        Console.WriteLine($"threads       {Environment.ProcessorCount}");
        Console.WriteLine($"native BLAS   {NativeBlas.Provider}");
        Console.WriteLine($"LAPACK        {Graphs.Spectral.Lapack.Provider}");
        Console.WriteLine($"backends      {CpuBackend.Default.Name} (GEMM: {CpuBackend.Default.GemmProvider}), {new CpuBackend(false).Name}, {ReferenceBackend.Instance.Name}");
        Console.WriteLine($"ILGPU         {string.Join("; ", StructureReps.Backends.Ilgpu.IlgpuDevices.Describe())}");
        Console.WriteLine($"device        {Cli.Backends.Select((string?)null).Name} (--device or {Cli.Backends.EnvironmentVariable})");
        return 0;
    }
}
