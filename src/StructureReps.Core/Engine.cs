using StructureReps.Core.Backends;
using StructureReps.Core.Backends.Reference;

namespace StructureReps.Core;

/// <summary>Process-wide defaults. Ops take their backend from their inputs; only creation uses the default.</summary>
public static class Engine
{
    private static IBackend _default = ReferenceBackend.Instance;

    /// <summary>Backend used to create tensors when none is given (the reference backend until set).</summary>
    public static IBackend DefaultBackend
    {
        get => _default;
        set => _default = value ?? throw new ArgumentNullException(nameof(value));
    }
}
