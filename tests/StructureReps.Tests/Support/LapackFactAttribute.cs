using StructureReps.Graphs.Spectral;

namespace StructureReps.Tests.Support;

/// <summary>A fact reported as skipped (never silently passed) when the named native LAPACK (mkl | system) does not load.</summary>
public sealed class LapackFactAttribute : FactAttribute
{
    public LapackFactAttribute(string kind)
    {
        if (LapackLibrary.TryOpen(kind) is null)
            Skip = kind == "mkl"
                ? "MKL (libmkl_rt.so.2) is not installed on this machine"
                : "no system LAPACK (liblapacke.so.3): apt-get install liblapacke libopenblas0-pthread";
    }
}
