namespace StructureReps.Core.Backends;

/// <summary>
/// NumPy broadcasting of two row-major shapes, reduced to the fewest axes: the output <see cref="Shape"/> and,
/// per axis, the element stride of each operand (0 where that operand is broadcast). Adjacent axes that are
/// contiguous in both operands are merged, so "same shape" becomes rank 1 and "bias over rows" rank 2.
/// </summary>
public sealed class BroadcastPlan
{
    private BroadcastPlan(int[] shape, int[] strideA, int[] strideB)
    {
        Shape = shape;
        StrideA = strideA;
        StrideB = strideB;
        long count = 1;
        foreach (int d in shape) count *= d;
        Count = checked((int)count);
    }

    public int[] Shape { get; }
    public int[] StrideA { get; }
    public int[] StrideB { get; }
    public int Count { get; }
    public int Rank => Shape.Length;

    /// <summary>True when both operands are dense and of the output's shape.</summary>
    public bool IsElementwise => Rank == 1 && StrideA[0] == 1 && StrideB[0] == 1;

    /// <summary>The broadcast output shape, or null when the shapes are incompatible.</summary>
    public static int[]? OutputShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int da = d - (rank - a.Length) >= 0 ? a[d - (rank - a.Length)] : 1;
            int db = d - (rank - b.Length) >= 0 ? b[d - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1) return null;
            shape[d] = da == 1 ? db : da;
        }
        return shape;
    }

    /// <summary>Plans c = a ∘ b; the caller has checked the shapes with <see cref="OutputShape"/>.</summary>
    public static BroadcastPlan Create(int[] a, int[] b)
    {
        int[] outShape = OutputShape(a, b) ?? throw new ArgumentException("shapes do not broadcast");
        var sa = PaddedStrides(a, outShape);
        var sb = PaddedStrides(b, outShape);

        var shape = new List<int>();
        var strideA = new List<int>();
        var strideB = new List<int>();
        for (int d = 0; d < outShape.Length; d++)
        {
            if (outShape[d] == 1) continue; // size-1 axes carry no iteration
            int last = shape.Count - 1;
            if (last >= 0 && strideA[last] == sa[d] * outShape[d] && strideB[last] == sb[d] * outShape[d])
            {
                shape[last] *= outShape[d];
                strideA[last] = sa[d];
                strideB[last] = sb[d];
            }
            else
            {
                shape.Add(outShape[d]);
                strideA.Add(sa[d]);
                strideB.Add(sb[d]);
            }
        }
        if (shape.Count == 0 || outShape.Contains(0))
            return new BroadcastPlan([outShape.Contains(0) ? 0 : 1], [1], [1]);
        return new BroadcastPlan(shape.ToArray(), strideA.ToArray(), strideB.ToArray());
    }

    /// <summary>Element strides of <paramref name="shape"/> read as <paramref name="outShape"/> (0 on broadcast axes).</summary>
    private static int[] PaddedStrides(int[] shape, int[] outShape)
    {
        int rank = outShape.Length, offset = rank - shape.Length, stride = 1;
        var strides = new int[rank];
        for (int d = rank - 1; d >= 0; d--)
        {
            int size = d >= offset ? shape[d - offset] : 1;
            strides[d] = size == 1 ? 0 : stride;
            stride *= size;
        }
        return strides;
    }
}
