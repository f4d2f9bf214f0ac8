namespace StructureReps.Core.Backends.Reference;

/// <summary>The fused Edge-Attention score in double loops: the oracle the CPU kernel is checked against.</summary>
public sealed partial class ReferenceBackend
{
    public void EdgeAttentionScore(DeviceBuffer edges, DeviceBuffer noised, int count, int dim, DeviceBuffer w, DeviceBuffer b,
        int hidden, DeviceBuffer u, DeviceBuffer c, float slope, DeviceBuffer score)
    {
        double[] X = D(edges), N = D(noised), W = D(w), B = D(b), U = D(u), S = D(score);
        double c0 = D(c)[0];
        for (int e = 0; e < count; e++) S[e] = LeakyRelu(Pre(X, N, e, dim, W, B, hidden, U, c0, slope, null), slope);
    }

    public void EdgeAttentionScoreBackward(DeviceBuffer edges, DeviceBuffer noised, int count, int dim, DeviceBuffer w,
        DeviceBuffer b, int hidden, DeviceBuffer u, DeviceBuffer c, float slope, DeviceBuffer dScore,
        DeviceBuffer? dEdges, DeviceBuffer? dNoised, DeviceBuffer dW, DeviceBuffer dB, DeviceBuffer dU, DeviceBuffer dC)
    {
        double[] X = D(edges), N = D(noised), W = D(w), B = D(b), U = D(u), DS = D(dScore);
        double[] GW = D(dW), GB = D(dB), GU = D(dU), GC = D(dC);
        double[]? GX = dEdges is null ? null : D(dEdges), GN = dNoised is null ? null : D(dNoised);
        double c0 = D(c)[0];
        var h = new double[hidden];
        for (int e = 0; e < count; e++)
        {
            double q = Pre(X, N, e, dim, W, B, hidden, U, c0, slope, h);
            double dq = DS[e] * (q > 0 ? 1 : slope);
            for (int j = 0; j < hidden; j++)
            {
                double t = LeakyRelu(h[j], slope);
                GU[j] += dq * t;
                double dh = dq * U[j] * (h[j] > 0 ? 1 : slope);
                GB[j] += dh;
                for (int k = 0; k < dim; k++)
                {
                    GW[j * dim + k] += dh * X[e * dim + k];
                    if (GX is not null) GX[e * dim + k] += W[j * dim + k] * dh;
                }
            }
            for (int k = 0; k < dim; k++)
            {
                GU[hidden + k] += dq * X[e * dim + k];
                GU[hidden + dim + k] += dq * N[e * dim + k];
                if (GX is not null) GX[e * dim + k] += dq * U[hidden + k];
                if (GN is not null) GN[e * dim + k] += dq * U[hidden + dim + k];
            }
            GC[0] += dq;
        }
    }

    /// <summary>q = u·[t ‖ ε ‖ ε̃] + c for edge e; fills h (pre-activation of t) when given.</summary>
    private static double Pre(double[] X, double[] N, int e, int dim, double[] W, double[] B, int hidden, double[] U, double c,
        float slope, double[]? h)
    {
        double q = c;
        for (int j = 0; j < hidden; j++)
        {
            double hj = B[j];
            for (int k = 0; k < dim; k++) hj += W[j * dim + k] * X[e * dim + k];
            if (h is not null) h[j] = hj;
            q += U[j] * LeakyRelu(hj, slope);
        }
        for (int k = 0; k < dim; k++) q += U[hidden + k] * X[e * dim + k] + U[hidden + dim + k] * N[e * dim + k];
        return q;
    }

    private static double LeakyRelu(double x, float slope) => x > 0 ? x : slope * x;
}
