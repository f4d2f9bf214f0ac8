namespace StructureReps.Core.Backends;

/// <summary>Row-wise log-softmax from primitives: d = x − max, y = d − log Σ exp d (the fused kernels' formula).</summary>
internal static class ComposedLogSoftmax
{
    public static void LogSoftmax(IBackend be, DeviceBuffer x, int rows, int cols, DeviceBuffer y)
    {
        if (rows == 0 || cols == 0) return;
        using var scratch = new Scratch(be);
        var max = scratch.Rent(rows);
        be.Reduce(ReduceOp.Max, x, rows, cols, 1, max, null, accumulate: false);
        var perRow = BroadcastPlan.Create([rows, cols], [rows, 1]);
        var d = scratch.Rent(rows * cols);
        be.Binary(BinaryOp.Sub, perRow, x, max, d);
        var e = scratch.Rent(rows * cols);
        be.Map<ExpFunction>(0f, d, e, rows * cols);
        var logSum = scratch.Rent(rows);
        be.Reduce(ReduceOp.Sum, e, rows, cols, 1, logSum, null, accumulate: false);
        be.Map<LogFunction>(0f, logSum, logSum, rows);
        be.Binary(BinaryOp.Sub, perRow, d, logSum, y);
    }
}
