namespace StructureReps.Graphs.Spectral;

/// <summary>
/// S = D^-1/2 M D^-1/2 of the symmetrized graph (spec §4), as a symmetric CSR over the nodes that have at
/// least one edge ("active" nodes); isolated nodes are left out of the eigenproblem and get zero PE rows.
/// The normalized Laplacian is L_sym = I − S. Each edge (i, j) enters both M_ij and M_ji; parallel edges add.
/// </summary>
public sealed class NormalizedAdjacency
{
    private NormalizedAdjacency(int nodeCount, int[] active, int[] ptr, int[] col, double[] val)
    {
        NodeCount = nodeCount;
        Active = active;
        Ptr = ptr;
        Col = col;
        Val = val;
    }

    /// <summary>Nodes of the original graph.</summary>
    public int NodeCount { get; }

    /// <summary>Original index of each active node (degree > 0); the matrix is over these, in this order.</summary>
    public int[] Active { get; }

    /// <summary>Order of the matrix (active node count).</summary>
    public int Size => Active.Length;

    public int[] Ptr { get; }
    public int[] Col { get; }
    public double[] Val { get; }

    /// <summary>
    /// Builds S from directed edges with non-negative weights (null = binary, all 1). Edges of weight 0 are
    /// dropped, so a node whose every weight is 0 counts as isolated.
    /// </summary>
    public static NormalizedAdjacency Build(int nodeCount, int[] source, int[] target, double[]? weight)
    {
        var degree = new double[nodeCount];
        int kept = 0;
        for (int e = 0; e < source.Length; e++)
        {
            double w = weight?[e] ?? 1.0;
            if (w < 0 || double.IsNaN(w)) throw new ArgumentException($"edge {e} has weight {w}; Laplacian weights must be ≥ 0");
            if (w == 0) continue;
            degree[source[e]] += w;
            degree[target[e]] += w;
            kept++;
        }
        var local = new int[nodeCount];
        var active = new List<int>();
        for (int n = 0; n < nodeCount; n++)
        {
            local[n] = degree[n] > 0 ? active.Count : -1;
            if (degree[n] > 0) active.Add(n);
        }

        // Both directions of every kept edge, grouped by row (counting sort), parallel entries summed.
        int m = active.Count;
        var count = new int[m + 1];
        for (int e = 0; e < source.Length; e++)
        {
            if ((weight?[e] ?? 1.0) == 0) continue;
            count[local[source[e]] + 1]++;
            count[local[target[e]] + 1]++;
        }
        for (int r = 0; r < m; r++) count[r + 1] += count[r];
        var next = (int[])count.Clone();
        var col = new int[2 * kept];
        var val = new double[2 * kept];
        for (int e = 0; e < source.Length; e++)
        {
            double w = weight?[e] ?? 1.0;
            if (w == 0) continue;
            int i = source[e], j = target[e];
            double s = w / Math.Sqrt(degree[i] * degree[j]);
            col[next[local[i]]] = local[j]; val[next[local[i]]++] = s;
            col[next[local[j]]] = local[i]; val[next[local[j]]++] = s;
        }
        return new NormalizedAdjacency(nodeCount, [.. active], count, col, val);
    }

    /// <summary>y = (shift·I + sign·S) x over the active nodes.</summary>
    public void Apply(ReadOnlySpan<double> x, Span<double> y, double shift, double sign)
    {
        for (int r = 0; r < Size; r++)
        {
            double s = 0;
            for (int p = Ptr[r]; p < Ptr[r + 1]; p++) s += Val[p] * x[Col[p]];
            y[r] = shift * x[r] + sign * s;
        }
    }

    /// <summary>L_sym = I − S as a dense row-major [Size, Size] matrix (for the LAPACK path).</summary>
    public double[] DenseLaplacian()
    {
        int m = Size;
        var a = new double[(long)m * m];
        for (int r = 0; r < m; r++)
        {
            a[(long)r * m + r] = 1.0;
            for (int p = Ptr[r]; p < Ptr[r + 1]; p++) a[(long)r * m + Col[p]] -= Val[p];
        }
        return a;
    }
}
