using StructureReps.Core.Sparse;

namespace StructureReps.Core.Backends.Reference;

/// <summary>
/// The oracle: every primitive as the plainest loop that states it, in double precision, single-threaded.
/// Other backends are tested against this one; gradient checks run on it. Slow on purpose: no tricks to doubt.
/// </summary>
public sealed partial class ReferenceBackend : IBackend, IFusedEdgeAttention, IFusedLogSoftmax, IFusedOptimizer, ISparseAttentionKernels
{
    public static ReferenceBackend Instance { get; } = new();

    public string Name => "reference";

    private readonly Memory.SizeClassPool<double> _pool = new(double.NaN);
    private readonly Memory.HostIndexPool _indices;

    private ReferenceBackend() => _indices = new(this);

    public DeviceBuffer Allocate(int length) => new ReferenceBuffer(length);

    public DeviceBuffer Rent(int length, bool zeroed) => new ReferenceBuffer(_pool.Rent(length, zeroed), length);

    public void Return(DeviceBuffer buffer)
    {
        if (buffer is not ReferenceBuffer r) throw new ArgumentException($"buffer belongs to backend '{buffer.Backend.Name}', not '{Name}'");
        if (r.Release() is { } array) _pool.Return(array);
    }

    public IndexBuffer ShareIndices(int[] immutable) => _indices.Share(immutable);

    public IndexBuffer RentIndices(int length) => _indices.Rent(length);

    public void Return(IndexBuffer buffer) => _indices.Return(buffer);

    public IndexBuffer UploadIndices(int[] indices) => new HostIndexBuffer(this, (int[])indices.Clone());

    private static double[] D(DeviceBuffer b) => b is ReferenceBuffer r
        ? r.Data
        : throw new ArgumentException($"buffer belongs to backend '{b.Backend.Name}', not 'reference'");

    private static int[] I(IndexBuffer b) => b is HostIndexBuffer h
        ? h.Data
        : throw new ArgumentException($"index buffer belongs to backend '{b.Backend.Name}', not a host backend");

    public void Fill(DeviceBuffer dst, int offset, int count, float value) => Array.Fill(D(dst), value, offset, count);

    public void CopyBlocks(DeviceBuffer src, int srcOffset, int srcStride, DeviceBuffer dst, int dstOffset,
        int dstStride, int blocks, int blockLength, bool accumulate)
    {
        double[] s = D(src), d = D(dst);
        for (int b = 0; b < blocks; b++)
            for (int i = 0; i < blockLength; i++)
            {
                double v = s[srcOffset + b * srcStride + i];
                ref double o = ref d[dstOffset + b * dstStride + i];
                o = accumulate ? o + v : v;
            }
    }

    public void Gemm(in GemmShape g, float alpha, DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c)
    {
        double[] A = D(a), B = D(b), C = D(c);
        for (int batch = 0; batch < g.Batch; batch++)
        {
            int oa = g.OffsetA + batch * g.StrideA, ob = g.OffsetB + batch * g.StrideB, oc = g.OffsetC + batch * g.StrideC;
            for (int i = 0; i < g.M; i++)
                for (int j = 0; j < g.N; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < g.K; p++)
                    {
                        double av = g.TransA ? A[oa + p * g.Lda + i] : A[oa + i * g.Lda + p];
                        double bv = g.TransB ? B[ob + j * g.Ldb + p] : B[ob + p * g.Ldb + j];
                        sum += av * bv;
                    }
                    ref double cv = ref C[oc + i * g.Ldc + j];
                    cv = alpha * sum + (beta == 0 ? 0 : beta * cv); // beta = 0 ignores C (BLAS: NaN in C is not read)
                }
        }
    }

    public void Map<TFunction>(float alpha, DeviceBuffer x, DeviceBuffer y, int n) where TFunction : struct, IUnaryFunction
    {
        double[] X = D(x), Y = D(y);
        var f = default(TFunction);
        for (int i = 0; i < n; i++) Y[i] = f.Apply<double>(X[i], alpha);
    }

    public void MapDerivative<TFunction>(float alpha, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int n)
        where TFunction : struct, IUnaryFunction
    {
        double[] X = D(x), Y = D(y), DY = D(dy), DX = D(dx);
        var f = default(TFunction);
        for (int i = 0; i < n; i++) DX[i] += DY[i] * f.Derivative<double>(X[i], Y[i], alpha);
    }

    public void Binary(BinaryOp op, BroadcastPlan plan, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        double[] A = D(a), B = D(b), C = D(c);
        int rank = plan.Rank;
        var idx = new int[rank];
        for (int i = 0; i < plan.Count; i++)
        {
            int ia = 0, ib = 0;
            for (int d = 0; d < rank; d++)
            {
                ia += idx[d] * plan.StrideA[d];
                ib += idx[d] * plan.StrideB[d];
            }
            double x = A[ia], y = B[ib];
            C[i] = op switch
            {
                BinaryOp.Add => x + y,
                BinaryOp.Sub => x - y,
                BinaryOp.Mul => x * y,
                BinaryOp.Div => x / y,
                _ => throw new ArgumentOutOfRangeException(nameof(op)),
            };
            for (int d = rank - 1; d >= 0 && ++idx[d] == plan.Shape[d]; d--) idx[d] = 0; // odometer
        }
    }

    public void Reduce(ReduceOp op, DeviceBuffer x, int outer, int axis, int inner, DeviceBuffer y,
        IndexBuffer? argmax, bool accumulate)
    {
        double[] X = D(x), Y = D(y);
        int[]? arg = argmax is null ? null : I(argmax);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double acc = op == ReduceOp.Max ? double.NegativeInfinity : 0;
                int best = -1;
                for (int a = 0; a < axis; a++)
                {
                    int at = (o * axis + a) * inner + i;
                    if (op == ReduceOp.Max)
                    {
                        if (X[at] > acc || best < 0) { acc = X[at]; best = at; }
                    }
                    else acc += X[at];
                }
                if (op == ReduceOp.Mean) acc = axis == 0 ? 0 : acc / axis;
                if (op == ReduceOp.Max && best < 0) acc = 0;
                if (arg is not null) arg[o * inner + i] = best;
                ref double r = ref Y[o * inner + i];
                r = accumulate ? r + acc : acc;
            }
    }

    public void Permute(DeviceBuffer x, int[] shape, int[] perm, DeviceBuffer y, bool accumulate)
    {
        double[] X = D(x), Y = D(y);
        int rank = shape.Length;
        var inStride = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; s *= shape[d], d--) inStride[d] = s;
        var outShape = new int[rank];
        for (int d = 0; d < rank; d++) outShape[d] = shape[perm[d]];
        var idx = new int[rank];
        int count = Shapes.Count(shape);
        for (int i = 0; i < count; i++)
        {
            int src = 0;
            for (int d = 0; d < rank; d++) src += idx[d] * inStride[perm[d]];
            Y[i] = accumulate ? Y[i] + X[src] : X[src];
            for (int d = rank - 1; d >= 0 && ++idx[d] == outShape[d]; d--) idx[d] = 0;
        }
    }

    public void IndexAdd(DeviceBuffer src, IndexBuffer index, int count, DeviceBuffer dst)
    {
        double[] S = D(src), T = D(dst);
        int[] idx = I(index);
        for (int i = 0; i < count; i++)
            if (idx[i] >= 0) T[idx[i]] += S[i];
    }

    public void Gather(DeviceBuffer src, int cols, IndexBuffer index, int count, DeviceBuffer dst)
    {
        double[] S = D(src), T = D(dst);
        int[] idx = I(index);
        for (int r = 0; r < count; r++)
            for (int c = 0; c < cols; c++) T[r * cols + c] = S[idx[r] * cols + c];
    }

    public void LogSoftmax(DeviceBuffer x, int rows, int cols, DeviceBuffer y)
    {
        double[] X = D(x), Y = D(y);
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int c = 0; c < cols; c++) max = Math.Max(max, X[r * cols + c]);
            for (int c = 0; c < cols; c++) sum += Math.Exp(X[r * cols + c] - max);
            double lse = max + Math.Log(sum);
            for (int c = 0; c < cols; c++) Y[r * cols + c] = X[r * cols + c] - lse;
        }
    }

    public void SegmentReduce(ReduceOp op, DeviceBuffer src, int cols, SegmentIndex segments, DeviceBuffer dst,
        IndexBuffer? argmax, bool accumulate)
    {
        double[] S = D(src), T = D(dst);
        int[]? arg = argmax is null ? null : I(argmax);
        for (int s = 0; s < segments.Segments; s++)
        {
            int begin = segments.Ptr[s], end = segments.Ptr[s + 1];
            for (int c = 0; c < cols; c++)
            {
                double acc = op == ReduceOp.Max ? double.NegativeInfinity : 0;
                int best = -1;
                for (int p = begin; p < end; p++)
                {
                    int at = segments.Order[p] * cols + c;
                    if (op == ReduceOp.Max)
                    {
                        if (S[at] > acc || best < 0) { acc = S[at]; best = at; }
                    }
                    else acc += S[at];
                }
                if (op == ReduceOp.Mean) acc /= Math.Max(end - begin, 1);
                if (op == ReduceOp.Max && best < 0) acc = 0;
                if (arg is not null) arg[s * cols + c] = best;
                ref double r = ref T[s * cols + c];
                r = accumulate ? r + acc : acc;
            }
        }
    }

    public void SegmentSoftmax(DeviceBuffer src, int cols, SegmentIndex segments, DeviceBuffer dst)
    {
        double[] S = D(src), T = D(dst);
        for (int s = 0; s < segments.Segments; s++)
        {
            int begin = segments.Ptr[s], end = segments.Ptr[s + 1];
            for (int c = 0; c < cols; c++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int p = begin; p < end; p++) max = Math.Max(max, S[segments.Order[p] * cols + c]);
                for (int p = begin; p < end; p++) sum += Math.Exp(S[segments.Order[p] * cols + c] - max);
                for (int p = begin; p < end; p++)
                {
                    int at = segments.Order[p] * cols + c;
                    T[at] = Math.Exp(S[at] - max) / (sum + 1e-16);
                }
            }
        }
    }

    public void SegmentSoftmaxBackward(DeviceBuffer y, DeviceBuffer dy, int cols, SegmentIndex segments, DeviceBuffer dsrc)
    {
        double[] Y = D(y), DY = D(dy), G = D(dsrc);
        for (int s = 0; s < segments.Segments; s++)
        {
            int begin = segments.Ptr[s], end = segments.Ptr[s + 1];
            for (int c = 0; c < cols; c++)
            {
                double dot = 0;
                for (int p = begin; p < end; p++) { int at = segments.Order[p] * cols + c; dot += DY[at] * Y[at]; }
                for (int p = begin; p < end; p++) { int at = segments.Order[p] * cols + c; G[at] += Y[at] * (DY[at] - dot); }
            }
        }
    }

    public void SegmentWeightedSum(DeviceBuffer src, int heads, int channels, IndexBuffer gather, DeviceBuffer weights,
        SegmentIndex segments, DeviceBuffer dst, bool accumulate)
    {
        double[] S = D(src), W = D(weights), T = D(dst);
        int[] g = I(gather);
        int width = heads * channels;
        for (int s = 0; s < segments.Segments; s++)
            for (int h = 0; h < heads; h++)
                for (int c = 0; c < channels; c++)
                {
                    double acc = 0;
                    for (int p = segments.Ptr[s]; p < segments.Ptr[s + 1]; p++)
                    {
                        int e = segments.Order[p];
                        acc += W[e * heads + h] * S[g[e] * width + h * channels + c];
                    }
                    ref double r = ref T[s * width + h * channels + c];
                    r = accumulate ? r + acc : acc;
                }
    }

    public void EdgeDot(DeviceBuffer a, IndexBuffer ia, DeviceBuffer b, IndexBuffer ib, int count, int heads, int channels,
        DeviceBuffer dst, bool accumulate)
    {
        double[] A = D(a), B = D(b), T = D(dst);
        int[] ja = I(ia), jb = I(ib);
        int width = heads * channels;
        for (int e = 0; e < count; e++)
            for (int h = 0; h < heads; h++)
            {
                double acc = 0;
                for (int c = 0; c < channels; c++) acc += A[ja[e] * width + h * channels + c] * B[jb[e] * width + h * channels + c];
                ref double r = ref T[e * heads + h];
                r = accumulate ? r + acc : acc;
            }
    }

    public void OptimizerUpdate(in OptimizerStep step, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer state1,
        DeviceBuffer? state2, int n)
    {
        double[] P = D(param), G = D(grad), M = D(state1);
        double[]? V = state2 is null ? null : D(state2);
        double lr = step.LearningRate, wd = step.WeightDecay;
        for (int i = 0; i < n; i++)
        {
            double g = G[i];
            switch (step.Kind)
            {
                case OptimizerKind.Sgd:
                    g += wd * P[i];
                    if (step.Momentum != 0)
                    {
                        M[i] = step.Step == 1 ? g : step.Momentum * M[i] + g;
                        g = step.Nesterov ? g + step.Momentum * M[i] : M[i];
                    }
                    P[i] -= lr * g;
                    break;
                case OptimizerKind.Adam:
                case OptimizerKind.AdamW:
                    if (step.Kind == OptimizerKind.Adam) g += wd * P[i];
                    else P[i] *= 1 - lr * wd;
                    M[i] = step.Beta1 * M[i] + (1 - step.Beta1) * g;
                    V![i] = step.Beta2 * V[i] + (1 - step.Beta2) * g * g;
                    double mHat = M[i] / (1 - Math.Pow(step.Beta1, step.Step));
                    double vHat = V[i] / (1 - Math.Pow(step.Beta2, step.Step));
                    P[i] -= lr * mHat / (Math.Sqrt(vHat) + step.Epsilon);
                    break;
            }
        }
    }
}
