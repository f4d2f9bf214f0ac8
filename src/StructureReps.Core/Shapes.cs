namespace StructureReps.Core;

/// <summary>Thrown by an op whose inputs have shapes it cannot take; the message names op, shapes and rule.</summary>
public sealed class ShapeMismatchException(string message) : ArgumentException(message);

/// <summary>Shape arithmetic and the checks every op runs before touching a backend.</summary>
public static class Shapes
{
    public static int Count(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        return checked((int)n);
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Product of shape[from..to).</summary>
    public static int Product(int[] shape, int from, int to)
    {
        int n = 1;
        for (int d = from; d < to; d++) n *= shape[d];
        return n;
    }

    public static int NormalizeAxis(string op, int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new ShapeMismatchException($"{op}: axis {axis} is out of range for a tensor of rank {rank}");
        return a;
    }

    public static void SameBackend(string op, Tensor a, Tensor b)
    {
        if (a.Backend != b.Backend)
            throw new ArgumentException($"{op}: operands live on different backends ({a.Backend.Name} and {b.Backend.Name}); move one with To()");
    }

    public static void Rank(string op, string name, Tensor t, int rank)
    {
        if (t.Rank != rank)
            throw new ShapeMismatchException($"{op}: {name} must have rank {rank}, got {Format(t.Shape)}");
    }

    public static void Equal(string op, Tensor a, Tensor b)
    {
        if (!a.Shape.AsSpan().SequenceEqual(b.Shape))
            throw new ShapeMismatchException($"{op}: shapes differ: {Format(a.Shape)} vs {Format(b.Shape)} (expected equal shapes)");
    }
}
