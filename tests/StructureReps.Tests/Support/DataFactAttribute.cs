using StructureReps.Zoo.Data;
using Xunit;

namespace StructureReps.Tests.Support;

/// <summary>
/// A fact on real data: reported as skipped (never silently passed) when the file is absent. The path is
/// relative to ../shared/datasets, or absolute (e.g. the Debian Fashion-MNIST folder).
/// </summary>
public sealed class DataFactAttribute : FactAttribute
{
    public DataFactAttribute(string path)
    {
        string full = Path.IsPathRooted(path) ? path : Path.Combine(DataFiles.DefaultRoot(), path);
        if (!File.Exists(full) && !Directory.Exists(full)) Skip = $"{full} is not present (see ../shared/datasets/README.md; bash scripts/setup.sh)";
    }
}
