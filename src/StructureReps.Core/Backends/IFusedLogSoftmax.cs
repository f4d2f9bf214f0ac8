namespace StructureReps.Core.Backends;

/// <summary>
/// Optional one-pass row-wise log-softmax. Without it (<see cref="Capabilities"/>) it runs as max, subtract,
/// exp, sum, log, subtract (Composed/ComposedLogSoftmax.cs).
/// </summary>
public interface IFusedLogSoftmax
{
    /// <summary>Row-wise log-softmax of x [rows, cols] into y.</summary>
    void LogSoftmax(DeviceBuffer x, int rows, int cols, DeviceBuffer y);
}
