using StructureReps.Graphs.Conversion;

namespace StructureReps.Graphs.Spectral;

/// <summary>Options of Algorithm 1 (spec §4). Defaults: k = 8, weighted, dense below T = 2,000 nodes.</summary>
public sealed record PeOptions
{
    public int K { get; init; } = 8;
    /// <summary>Entry of M: the L2 norm of the edge feature (true) or 1 (false, "binary").</summary>
    public bool Weighted { get; init; } = true;
    /// <summary>Graphs with this many active nodes or more use the iterative solver.</summary>
    public int DenseThreshold { get; init; } = 2000;
    public double Tolerance { get; init; } = 1e-6;
    public int MaxRestarts { get; init; } = 200;
    public ulong Seed { get; init; }
}

/// <summary>The PE of one graph: [N, k] in the inference sign convention, the eigenvalues of its columns, how it was solved.</summary>
public sealed record PeResult(float[] Features, double[] Eigenvalues, string Method, LanczosReport? Iterative);

/// <summary>
/// Laplacian eigenvector positional encoding (Algorithm 1; Dwivedi et al.): the eigenvectors 2..k+1 of
/// L_sym = I − D^-1/2 M D^-1/2 of the symmetrized graph. Isolated nodes get zero rows; columns beyond the
/// available eigenvectors (N ≤ k) are zero with eigenvalue NaN. Each column is signed so that its largest-|·|
/// entry is positive (<see cref="Canonicalize"/>); training flips signs at random (<see cref="RandomSignFlip"/>).
/// </summary>
public static class LaplacianPe
{
    public static PeResult Compute(NetworkGraph graph, PeOptions? options = null) =>
        Compute(graph.NodeCount, graph.Topology.Source, graph.Topology.Target, (options ?? new()).Weighted ? graph.EdgeNorms() : null, options);

    public static PeResult Compute(int nodeCount, int[] source, int[] target, double[]? weight, PeOptions? options = null)
    {
        options ??= new PeOptions();
        int k = options.K;
        var s = NormalizedAdjacency.Build(nodeCount, source, target, weight);
        int m = s.Size;
        var features = new float[nodeCount * k];
        var eigenvalues = Enumerable.Repeat(double.NaN, k).ToArray();
        int available = Math.Min(k, m - 1); // eigenvectors 2..k+1 of an m-node matrix
        if (available < 1) return new PeResult(features, eigenvalues, "none (fewer than 2 connected nodes)", null);

        double[] values, vectors;
        string method;
        LanczosReport? report = null;
        if (m < options.DenseThreshold)
        {
            (values, vectors) = DenseEigen.Smallest(s.DenseLaplacian(), m, 2, available + 1);
            method = $"dense {Lapack.Provider}";
        }
        else
        {
            double[] all;
            (all, var allVectors, report) = BlockLanczos.Smallest(s, available + 1, options.Seed, options.Tolerance, options.MaxRestarts);
            values = all[1..];
            vectors = new double[(long)m * available];
            for (int i = 0; i < m; i++)
                for (int c = 0; c < available; c++) vectors[(long)i * available + c] = allVectors[(long)i * (available + 1) + c + 1];
            method = $"block Lanczos ({report.Restarts} restarts, {report.BlockProducts} block products)";
        }
        for (int c = 0; c < available; c++)
        {
            eigenvalues[c] = values[c];
            for (int i = 0; i < m; i++) features[s.Active[i] * k + c] = (float)vectors[(long)i * available + c];
        }
        Canonicalize(features, nodeCount, k);
        return new PeResult(features, eigenvalues, method, report);
    }

    /// <summary>Flips each column so its largest-|·| entry (the first, on ties) is positive: one graph, one PE.</summary>
    public static void Canonicalize(float[] pe, int nodes, int k)
    {
        for (int c = 0; c < k; c++)
        {
            int best = -1;
            float bestAbs = 0;
            for (int i = 0; i < nodes; i++)
                if (Math.Abs(pe[i * k + c]) > bestAbs) { bestAbs = Math.Abs(pe[i * k + c]); best = i; }
            if (best >= 0 && pe[best * k + c] < 0)
                for (int i = 0; i < nodes; i++) pe[i * k + c] = -pe[i * k + c];
        }
    }

    /// <summary>A copy with each column's sign flipped with probability ½ (training-time augmentation, redrawn per epoch).</summary>
    public static float[] RandomSignFlip(float[] pe, int nodes, int k, Core.Rng rng)
    {
        var result = (float[])pe.Clone();
        for (int c = 0; c < k; c++)
        {
            if (rng.NextInt(2) == 0) continue;
            for (int i = 0; i < nodes; i++) result[i * k + c] = -result[i * k + c];
        }
        return result;
    }
}
