namespace StructureReps.Kernels;

/// <summary>
/// Maps a linear index over an output of up to 6 axes (row-major) to element offsets in two operands with their
/// own strides (0 on a broadcast axis). Shapes of lower rank are padded in front with size-1 axes. Broadcast
/// binary ops use both stride sets; a permutation uses A as the source's strides read in output-axis order.
/// Plain fields, no arrays: kernels take it by value.
/// </summary>
public struct StridedIndex
{
    public const int MaxRank = 6;

    public int S0, S1, S2, S3, S4, S5;
    public int A0, A1, A2, A3, A4, A5;
    public int B0, B1, B2, B3, B4, B5;

    /// <summary>Builds the map; <paramref name="shape"/> has at most <see cref="MaxRank"/> axes.</summary>
    public static StridedIndex Create(int[] shape, int[] strideA, int[] strideB)
    {
        int pad = MaxRank - shape.Length;
        var s = new int[MaxRank];
        var a = new int[MaxRank];
        var b = new int[MaxRank];
        for (int d = 0; d < MaxRank; d++)
        {
            s[d] = d < pad ? 1 : shape[d - pad];
            a[d] = d < pad ? 0 : strideA[d - pad];
            b[d] = d < pad ? 0 : strideB[d - pad];
        }
        return new StridedIndex
        {
            S0 = s[0], S1 = s[1], S2 = s[2], S3 = s[3], S4 = s[4], S5 = s[5],
            A0 = a[0], A1 = a[1], A2 = a[2], A3 = a[3], A4 = a[4], A5 = a[5],
            B0 = b[0], B1 = b[1], B2 = b[2], B3 = b[3], B4 = b[4], B5 = b[5],
        };
    }

    /// <summary>The offsets of output element <paramref name="linear"/> in operand A and operand B.</summary>
    public readonly void Offsets(int linear, out int a, out int b)
    {
        int rest = linear;
        a = 0;
        b = 0;
        Axis(ref rest, S5, A5, B5, ref a, ref b);
        Axis(ref rest, S4, A4, B4, ref a, ref b);
        Axis(ref rest, S3, A3, B3, ref a, ref b);
        Axis(ref rest, S2, A2, B2, ref a, ref b);
        Axis(ref rest, S1, A1, B1, ref a, ref b);
        Axis(ref rest, S0, A0, B0, ref a, ref b);
    }

    // One integer division per real axis (the padded size-1 axes cost a compare): division is the expensive part
    // of broadcasting on every device, tens of cycles each.
    private static void Axis(ref int rest, int size, int strideA, int strideB, ref int a, ref int b)
    {
        if (size == 1) return;
        int quotient = rest / size, i = rest - quotient * size;
        rest = quotient;
        a += i * strideA;
        b += i * strideB;
    }
}
