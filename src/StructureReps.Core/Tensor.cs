using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;
using StructureReps.Core.Memory;

namespace StructureReps.Core;

/// <summary>
/// A float32, contiguous, row-major tensor on one backend, with an optional gradient. Ops on tensors are in
/// <see cref="Ops"/>; when any input requires a gradient (and recording is on, see <see cref="Tape"/>), the
/// output remembers its parents and its backward rule, and <see cref="Backward"/> walks them in reverse.
/// Gradients always accumulate (+=), for parameters and activations alike; <see cref="ZeroGrad"/> resets.
/// </summary>
public sealed partial class Tensor
{
    internal Tensor(DeviceBuffer data, int[] shape)
    {
        long length = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"tensor shape {Shapes.Format(shape)} has a negative dimension");
            length *= d;
        }
        if (length != data.Length)
            throw new ArgumentException($"shape {Shapes.Format(shape)} holds {length} elements but the buffer has {data.Length}");
        Data = data;
        Shape = shape;
    }

    public int[] Shape { get; }
    public int Rank => Shape.Length;
    public int Length => Data.Length;
    public DeviceBuffer Data { get; }
    public IBackend Backend => Data.Backend;

    /// <summary>Whether gradients flow to this tensor. Set it on leaves (parameters, inputs).</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>Keep <see cref="Grad"/> on a non-leaf after <see cref="Backward"/> (PyTorch's retain_grad).</summary>
    public bool RetainGrad { get; set; }

    /// <summary>The accumulated gradient, same shape; null until a backward pass reaches this tensor.</summary>
    public Tensor? Grad { get; internal set; }

    public string? Name { get; set; }

    internal Tensor[]? Parents { get; set; }
    internal Action<Tensor>? BackwardRule { get; set; }
    public bool IsLeaf => BackwardRule is null;

    public int Dim(int axis) => Shape[axis < 0 ? axis + Rank : axis];

    // ---------------------------------------------------------------- creation

    /// <summary>
    /// A zero tensor. Inside a <see cref="BufferScope"/> its storage is the scope's (returned when it ends; see
    /// <see cref="BufferScope.Keep"/>); outside one, the garbage collector's.
    /// </summary>
    public static Tensor Zeros(int[] shape, IBackend? backend = null)
    {
        backend ??= Engine.DefaultBackend;
        return new Tensor(BufferScope.Rent(backend, Shapes.Count(shape), zeroed: true), (int[])shape.Clone());
    }

    /// <summary>
    /// A tensor whose every element the caller will write (an op output, a batch being filled): not zeroed, NaN
    /// in poison mode (<see cref="PoolDiagnostics"/>). Scoped like <see cref="Zeros"/>.
    /// </summary>
    public static Tensor Uninitialized(int[] shape, IBackend? backend = null) =>
        new(BufferScope.Rent(backend ?? Engine.DefaultBackend, Shapes.Count(shape), zeroed: false), (int[])shape.Clone());

    public static Tensor Full(int[] shape, float value, IBackend? backend = null)
    {
        var t = Uninitialized(shape, backend);
        t.Backend.Fill(t.Data, 0, t.Length, value);
        return t;
    }

    public static Tensor Scalar(float value, IBackend? backend = null) => Full([], value, backend);

    /// <summary>A tensor holding <paramref name="values"/> (copied) with the given shape.</summary>
    public static Tensor From(float[] values, int[] shape, IBackend? backend = null)
    {
        if (Shapes.Count(shape) != values.Length)
            throw new ArgumentException($"{values.Length} values cannot fill shape {Shapes.Format(shape)} ({Shapes.Count(shape)} elements)");
        var t = Uninitialized(shape, backend);
        t.Data.Write(values);
        return t;
    }

    /// <summary>Like <see cref="From"/> from doubles: exact on the reference backend (gradient checks).</summary>
    public static Tensor FromDouble(double[] values, int[] shape, IBackend? backend = null)
    {
        if (Shapes.Count(shape) != values.Length)
            throw new ArgumentException($"{values.Length} values cannot fill shape {Shapes.Format(shape)}");
        var t = Uninitialized(shape, backend);
        t.Data.WriteDouble(values);
        return t;
    }

    /// <summary>A tensor of shape <paramref name="shape"/> sharing this one's storage (no copy, no gradient link).</summary>
    internal Tensor View(int[] shape) => new(Data, shape);

    // ---------------------------------------------------------------- reading

    public float[] ToArray()
    {
        var values = new float[Length];
        Data.Read(values);
        return values;
    }

    public double[] ToDoubleArray()
    {
        var values = new double[Length];
        Data.ReadDouble(values);
        return values;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public float Item()
    {
        if (Length != 1) throw new InvalidOperationException($"Item() needs one element; this tensor is {Shapes.Format(Shape)}");
        return ToArray()[0];
    }

    /// <summary>The same values, cut off from the tape.</summary>
    public Tensor Detach() => new(Data, Shape);

    /// <summary>A copy on <paramref name="backend"/> (values only).</summary>
    public Tensor To(IBackend backend) => backend == Backend ? this : FromDouble(ToDoubleArray(), Shape, backend);

    // ---------------------------------------------------------------- gradients

    /// <summary>Back-propagates from this tensor; a scalar seeds with 1, otherwise pass <paramref name="gradient"/>.</summary>
    public void Backward(Tensor? gradient = null) => Tape.Backward(this, gradient);

    /// <summary>Sets the accumulated gradient to zero (keeping its buffer).</summary>
    public void ZeroGrad()
    {
        if (Grad is not null) Backend.Fill(Grad.Data, 0, Grad.Length, 0f);
    }

    /// <summary>
    /// This tensor's gradient buffer, created zero-filled on first use (the target of += rules). A leaf's
    /// (parameter's) gradient outlives every step, so the garbage collector owns it; an interior gradient is
    /// rented and goes back to the pool as soon as backward has consumed it. With zeroed false, an interior gradient
    /// created here is not filled: the caller writes every element (the backward seed).
    /// </summary>
    internal DeviceBuffer GradBuffer(bool zeroed = true)
    {
        Grad ??= IsLeaf
            ? new Tensor(Backend.Allocate(Length), Shape)
            : new Tensor(BufferScope.Rent(Backend, Length, zeroed), (int[])Shape.Clone());
        return Grad.Data;
    }

    public override string ToString() =>
        $"Tensor{Shapes.Format(Shape)} on {Backend.Name}{(RequiresGrad ? ", requires grad" : "")}";
}
