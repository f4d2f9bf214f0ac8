using Xunit;

namespace StructureReps.Tests.Support;

/// <summary>
/// A fact on the published NativeAOT library (bash scripts/publish-native.sh): reported as skipped when it is not
/// there, unless STRUCTUREREPS_REQUIRE_NATIVE=1 (CI sets it after publishing), where a missing library fails.
/// </summary>
public sealed class NativeLibraryFactAttribute : FactAttribute
{
    public NativeLibraryFactAttribute()
    {
        if (!File.Exists(NativeArtifacts.Library) && Environment.GetEnvironmentVariable("STRUCTUREREPS_REQUIRE_NATIVE") != "1")
            Skip = $"{NativeArtifacts.Library} is not published (bash scripts/publish-native.sh)";
    }
}

/// <summary>Where the published library, its header and the samples are, for this CPU's level.</summary>
public static class NativeArtifacts
{
    public static readonly string Root = FindRoot();

    /// <summary>x86-64-v4 when the CPU has AVX-512 (F, BW, CD, DQ, VL), else x86-64-v3: the library this CPU loads.</summary>
    public static readonly string Level = CpuLevel();

    public static string Library => Path.Combine(Root, "artifacts", "native", Level, "libstructurereps.so");
    public static string Include => Path.Combine(Root, "src", "StructureReps.Native", "include");

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "StructureReps.sln"))) return d.FullName;
        throw new InvalidOperationException($"no StructureReps.sln above {AppContext.BaseDirectory}");
    }

    private static string CpuLevel()
    {
        var flags = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo").Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).ToHashSet() : [];
        return new[] { "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl" }.All(flags.Contains) ? "x86-64-v4" : "x86-64-v3";
    }
}
