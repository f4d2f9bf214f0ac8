using StructureReps.Core.Backends;

namespace StructureReps.Core;

/// <summary>Plumbing shared by the op files: output allocation and reduction of broadcast gradients.</summary>
internal static class OpSupport
{
    /// <summary>A zero-filled op output (for ops that accumulate into it or leave parts untouched).</summary>
    public static Tensor Empty(IBackend backend, int[] shape) => Tensor.Zeros(shape, backend);

    /// <summary>An op output the op overwrites entirely: rented without zeroing.</summary>
    public static Tensor Output(IBackend backend, int[] shape) => Tensor.Uninitialized(shape, backend);

    /// <summary>Scratch space inside an op or a backward rule; give it back with <see cref="Release"/> when done.</summary>
    public static DeviceBuffer Scratch(IBackend backend, int length, bool zeroed = false) => backend.Rent(length, zeroed);

    public static void Release(DeviceBuffer buffer) => buffer.Backend.Return(buffer);

    /// <summary>Arg-max positions of a reduction, owned by the current scope like the op's output.</summary>
    public static IndexBuffer NewIndices(IBackend backend, int count) => Memory.BufferScope.RentIndices(backend, count);

    /// <summary>
    /// t.Grad += g summed over the axes along which t was broadcast to <paramref name="outShape"/>
    /// (the backward of every broadcasting op). g is a buffer of outShape's size.
    /// </summary>
    public static void AccumulateBroadcastGrad(Tensor t, DeviceBuffer g, int[] outShape)
    {
        var be = t.Backend;
        int rank = outShape.Length;
        var own = new int[rank];
        for (int d = 0; d < rank; d++) own[d] = d - (rank - t.Rank) >= 0 ? t.Shape[d - (rank - t.Rank)] : 1;
        var axes = new List<int>();
        for (int d = 0; d < rank; d++)
            if (own[d] == 1 && outShape[d] != 1) axes.Add(d);
        if (axes.Count == 0)
        {
            be.CopyBlocks(g, 0, 0, t.GradBuffer(), 0, 0, 1, t.Length, accumulate: true);
            return;
        }
        var cur = (int[])outShape.Clone();
        var src = g;
        for (int k = 0; k < axes.Count; k++)
        {
            int d = axes[k];
            int outer = Shapes.Product(cur, 0, d), inner = Shapes.Product(cur, d + 1, rank);
            bool last = k == axes.Count - 1;
            var dst = last ? t.GradBuffer() : Scratch(be, outer * inner);
            be.Reduce(ReduceOp.Sum, src, outer, cur[d], inner, dst, null, accumulate: last);
            if (k > 0) Release(src);
            cur[d] = 1;
            src = dst;
        }
    }

    /// <summary>t.Grad += g, same size.</summary>
    public static void Accumulate(Tensor t, DeviceBuffer g) =>
        t.Backend.CopyBlocks(g, 0, 0, t.GradBuffer(), 0, 0, 1, t.Length, accumulate: true);

    /// <summary>An elementwise function y = f(x) whose backward is dx += dy·f'(x) (the backend's derivative of f).</summary>
    public static Tensor Elementwise<TFunction>(Tensor x, float alpha) where TFunction : struct, IUnaryFunction
    {
        var y = Output(x.Backend, x.Shape);
        x.Backend.Map<TFunction>(alpha, x.Data, y.Data, x.Length);
        return Autodiff.Tape.Record(y, [x], dy =>
            x.Backend.MapDerivative<TFunction>(alpha, x.Data, y.Data, dy.Data, x.GradBuffer(), x.Length));
    }

    /// <summary>c = a ∘ b with broadcasting; the shared forward of Add, Sub, Mul and Div.</summary>
    public static (Tensor C, BroadcastPlan Plan) Broadcast(string op, BinaryOp kind, Tensor a, Tensor b)
    {
        Shapes.SameBackend(op, a, b);
        var shape = BroadcastPlan.OutputShape(a.Shape, b.Shape) ?? throw new ShapeMismatchException(
            $"{op}: shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)} do not broadcast (each axis, aligned from the right, must match or be 1)");
        var plan = BroadcastPlan.Create(a.Shape, b.Shape);
        var c = Output(a.Backend, shape);
        a.Backend.Binary(kind, plan, a.Data, b.Data, c.Data);
        return (c, plan);
    }

    /// <summary>
    /// dst = x ∘ y for x of shape <paramref name="xShape"/> and y broadcast to it (a gradient helper); dst is
    /// scratch: <see cref="Release"/> it after use.
    /// </summary>
    public static DeviceBuffer Combine(IBackend be, BinaryOp kind, DeviceBuffer x, int[] xShape, DeviceBuffer y, int[] yShape)
    {
        var dst = Scratch(be, Shapes.Count(xShape));
        be.Binary(kind, BroadcastPlan.Create(xShape, yShape), x, y, dst);
        return dst;
    }
}
