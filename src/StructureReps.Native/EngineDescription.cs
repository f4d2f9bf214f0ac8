using System.Numerics;
using System.Reflection;
using System.Runtime.Intrinsics;
using StructureReps.Backends.Cpu;
using StructureReps.Graphs.Spectral;

namespace StructureReps.Native;

/// <summary>
/// sr_engine_info's text. NativeAOT compiles the Vector paths for the instruction set chosen at publish time (the
/// IlcInstructionSet this library was built with) and falls back to scalar code below it, silently: this line is
/// how a host, and the tests, see which vector widths actually run.
/// </summary>
internal static class EngineDescription
{
    public static string Text
    {
        get
        {
            var assembly = typeof(EngineDescription).Assembly;
            string level = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "InstructionSet")?.Value ?? "unknown";
            string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            int plus = version.IndexOf('+');
            if (plus >= 0) version = version[..plus];
            return $"structurereps {version}; instruction set {level}; " +
                   $"vector128 {YesNo(Vector128.IsHardwareAccelerated)}, vector256 {YesNo(Vector256.IsHardwareAccelerated)}, " +
                   $"vector512 {YesNo(Vector512.IsHardwareAccelerated)}, Vector<float> {Vector<float>.Count} lanes; " +
                   $"gemm {CpuBackend.Default.GemmProvider}; lapack {Lapack.Provider}";
        }
    }

    private static string YesNo(bool b) => b ? "yes" : "no";
}
