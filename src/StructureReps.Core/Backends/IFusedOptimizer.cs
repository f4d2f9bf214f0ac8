namespace StructureReps.Core.Backends;

/// <summary>
/// Optional one-kernel optimizer update. Without it (<see cref="Capabilities"/>) SGD, Adam and AdamW run as a
/// sequence of elementwise primitives with the same formulas (Composed/ComposedOptimizer.cs).
/// </summary>
public interface IFusedOptimizer
{
    /// <summary>One optimizer update of n parameters in place (state buffers per <see cref="OptimizerStep"/>).</summary>
    void OptimizerUpdate(in OptimizerStep step, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer state1,
        DeviceBuffer? state2, int n);
}
