using System.Numerics.Tensors;
using StructureReps.Backends.Cpu.Elementwise;
using StructureReps.Backends.Cpu.Gemm;
using StructureReps.Core.Backends;
using StructureReps.Core.Memory;

namespace StructureReps.Backends.Cpu;

/// <summary>
/// The fast CPU backend: float32, TensorPrimitives / Vector512 for elementwise work and reductions, native
/// BLAS for GEMM when one loads (else the managed packed GEMM), threads over both cores. Deterministic: every
/// output element is produced by one thread in a fixed order. Trimming- and NativeAOT-compatible.
/// </summary>
public sealed partial class CpuBackend : IBackend, IFusedEdgeAttention, IFusedLogSoftmax, IFusedOptimizer
{
    /// <param name="useNativeBlas">false forces the managed GEMM even when a native BLAS is present.</param>
    /// <param name="directConvolution">false runs every convolution as im2col + GEMM (for side-by-side benchmarks).</param>
    public CpuBackend(bool useNativeBlas = true, bool directConvolution = true)
    {
        UsesNativeBlas = useNativeBlas && NativeBlas.IsAvailable;
        UsesDirectConvolution = directConvolution;
        _indices = new(this);
    }

    /// <summary>A shared instance that uses native BLAS when available.</summary>
    public static CpuBackend Default { get; } = new();

    public bool UsesNativeBlas { get; }

    /// <summary>Whether convolutions take the direct kernels (<see cref="IDirectConv2d"/>) where the shape allows.</summary>
    public bool UsesDirectConvolution { get; }

    public string Name => UsesNativeBlas ? "cpu-simd" : "cpu-simd-managed";

    /// <summary>What serves GEMM: the native library, or "managed".</summary>
    public string GemmProvider => UsesNativeBlas ? NativeBlas.Provider : "managed (Vector512/256 packed GEMM)";

    // Pools are per instance: a buffer is returned to the backend that rented it. NaN / int.MinValue poison.
    private readonly SizeClassPool<float> _pool = new(float.NaN);
    private readonly HostIndexPool _indices;

    /// <summary>Bytes of host memory waiting in this backend's pools for reuse.</summary>
    public long PooledBytes => _pool.RetainedBytes + _indices.RetainedBytes;

    /// <summary>Lets the garbage collector have the pooled arrays (after a phase whose sizes will not recur).</summary>
    public void TrimPool()
    {
        _pool.Trim();
        _indices.Trim();
    }

    public DeviceBuffer Allocate(int length) => new CpuBuffer(this, new float[length], length);

    public DeviceBuffer Rent(int length, bool zeroed) => new CpuBuffer(this, _pool.Rent(length, zeroed), length);

    public void Return(DeviceBuffer buffer)
    {
        if (buffer is not CpuBuffer c || c.Owner != this)
            throw new ArgumentException($"buffer belongs to backend '{buffer.Backend.Name}', not this '{Name}' instance");
        if (c.Release() is { } array) _pool.Return(array);
    }

    public IndexBuffer UploadIndices(int[] indices) => new HostIndexBuffer(this, (int[])indices.Clone());

    public IndexBuffer ShareIndices(int[] immutable) => _indices.Share(immutable);

    public IndexBuffer RentIndices(int length) => _indices.Rent(length);

    public void Return(IndexBuffer buffer) => _indices.Return(buffer);

    private float[] F(DeviceBuffer b) => b is CpuBuffer c && c.Owner == this
        ? c.Data
        : throw new ArgumentException($"buffer belongs to backend '{b.Backend.Name}', not this '{Name}' instance");

    private static int[] I(IndexBuffer b) => b is HostIndexBuffer h
        ? h.Data
        : throw new ArgumentException($"index buffer belongs to backend '{b.Backend.Name}', not a host backend");

    public void Fill(DeviceBuffer dst, int offset, int count, float value) => F(dst).AsSpan(offset, count).Fill(value);

    public void CopyBlocks(DeviceBuffer src, int srcOffset, int srcStride, DeviceBuffer dst, int dstOffset,
        int dstStride, int blocks, int blockLength, bool accumulate)
    {
        float[] s = F(src), d = F(dst);
        Parallelism.For(blocks, blockLength, (b0, b1) =>
        {
            for (int b = b0; b < b1; b++)
            {
                var from = s.AsSpan(srcOffset + b * srcStride, blockLength);
                var to = d.AsSpan(dstOffset + b * dstStride, blockLength);
                if (accumulate) TensorPrimitives.Add(to, from, to);
                else from.CopyTo(to);
            }
        });
    }

    public unsafe void Gemm(in GemmShape g, float alpha, DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c)
    {
        float[] A = F(a), B = F(b), C = F(c);
        var s = g;
        bool native = UsesNativeBlas;
        // Many small products (conv over a batch): one thread per product; a few big ones: threads inside each
        // (the managed GEMM's own, or, for the single-threaded native library, blocks of C's rows or columns).
        bool acrossBatch = s.Batch > 1 && (long)s.M * s.N * s.K < 1 << 21;
        bool splitNative = native && NativeBlas.SingleThreaded && Parallelism.Workers > 1 && (long)s.M * s.N * s.K >= 1 << 18;
        fixed (float* pa = A, pb = B, pc = C)
        {
            float* ra = pa, rb = pb, rc = pc;
            void One(int i, bool inner)
            {
                float* ai = ra + s.OffsetA + (long)i * s.StrideA, bi = rb + s.OffsetB + (long)i * s.StrideB;
                float* ci = rc + s.OffsetC + (long)i * s.StrideC;
                if (native) NativeBlas.Gemm(s.TransA, s.TransB, s.M, s.N, s.K, alpha, ai, s.Lda, bi, s.Ldb, beta, ci, s.Ldc);
                else ManagedGemm.Gemm(s.TransA, s.TransB, s.M, s.N, s.K, alpha, ai, s.Lda, bi, s.Ldb, beta, ci, s.Ldc, inner);
            }
            void Split(int i)
            {
                // Each thread owns a block of C (whole rows, or whole columns when C is wide): every element is
                // still one dot product over all of K in the library's order, whatever the thread count.
                float* ai = ra + s.OffsetA + (long)i * s.StrideA, bi = rb + s.OffsetB + (long)i * s.StrideB;
                float* ci = rc + s.OffsetC + (long)i * s.StrideC;
                bool byRows = s.M >= s.N;
                int extent = byRows ? s.M : s.N, align = 16;
                int parts = (int)Math.Min(Parallelism.Workers, (extent + align - 1) / align);
                Parallelism.Parts(parts, p =>
                {
                    int begin = (int)((long)extent * p / parts / align * align);
                    int end = p == parts - 1 ? extent : (int)((long)extent * (p + 1) / parts / align * align);
                    if (end <= begin) return;
                    if (byRows)
                        NativeBlas.Gemm(s.TransA, s.TransB, end - begin, s.N, s.K, alpha,
                            ai + (s.TransA ? begin : (long)begin * s.Lda), s.Lda, bi, s.Ldb, beta, ci + (long)begin * s.Ldc, s.Ldc);
                    else
                        NativeBlas.Gemm(s.TransA, s.TransB, s.M, end - begin, s.K, alpha,
                            ai, s.Lda, bi + (s.TransB ? (long)begin * s.Ldb : begin), s.Ldb, beta, ci + begin, s.Ldc);
                });
            }
            if (acrossBatch)
                Parallelism.For(s.Batch, (long)s.M * s.N * s.K, (i0, i1) => { for (int i = i0; i < i1; i++) One(i, false); });
            else if (splitNative)
                for (int i = 0; i < s.Batch; i++) Split(i);
            else
                for (int i = 0; i < s.Batch; i++) One(i, true);
        }
    }

    public void Map<TFunction>(float alpha, DeviceBuffer x, DeviceBuffer y, int n) where TFunction : struct, IUnaryFunction
    {
        float[] X = F(x), Y = F(y);
        Parallelism.For(n, 8, (i0, i1) =>
        {
            ReadOnlySpan<float> xs = X.AsSpan(i0, i1 - i0);
            Span<float> ys = Y.AsSpan(i0, i1 - i0);
            if (VectorFunctions.TryMap<TFunction>(xs, ys, alpha)) return;
            var f = default(TFunction);
            for (int i = 0; i < xs.Length; i++) ys[i] = f.Apply(xs[i], alpha);
        });
    }

    public void MapDerivative<TFunction>(float alpha, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int n)
        where TFunction : struct, IUnaryFunction
    {
        float[] X = F(x), Y = F(y), DY = F(dy), DX = F(dx);
        Parallelism.For(n, 8, (i0, i1) =>
        {
            int len = i1 - i0;
            ReadOnlySpan<float> xs = X.AsSpan(i0, len), ys = Y.AsSpan(i0, len), dys = DY.AsSpan(i0, len);
            Span<float> dxs = DX.AsSpan(i0, len);
            if (VectorFunctions.TryDerivative<TFunction>(xs, ys, dys, dxs, alpha)) return;
            var f = default(TFunction);
            for (int i = 0; i < len; i++) dxs[i] += dys[i] * f.Derivative(xs[i], ys[i], alpha);
        });
    }

    public void Binary(BinaryOp op, BroadcastPlan plan, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        float[] A = F(a), B = F(b), C = F(c);
        int rank = plan.Rank, inner = plan.Shape[rank - 1];
        int sa = plan.StrideA[rank - 1], sb = plan.StrideB[rank - 1];
        if (inner == 0 || plan.Count == 0) return;
        int rows = plan.Count / inner;
        // Rows of the last axis: each row is one span op, broadcast operands enter as scalars.
        Parallelism.For(rows, inner, (r0, r1) =>
        {
            var idx = new int[rank];
            int rest = r0;
            for (int d = rank - 2; d >= 0; d--) { idx[d] = rest % plan.Shape[d]; rest /= plan.Shape[d]; }
            for (int r = r0; r < r1; r++)
            {
                int oa = 0, ob = 0;
                for (int d = 0; d < rank - 1; d++) { oa += idx[d] * plan.StrideA[d]; ob += idx[d] * plan.StrideB[d]; }
                BinaryRow(op, A, oa, sa, B, ob, sb, C.AsSpan(r * inner, inner));
                for (int d = rank - 2; d >= 0 && ++idx[d] == plan.Shape[d]; d--) idx[d] = 0;
            }
        });
    }

    private static void BinaryRow(BinaryOp op, float[] A, int oa, int sa, float[] B, int ob, int sb, Span<float> c)
    {
        int n = c.Length;
        if (sa == 1 && sb == 1)
        {
            ReadOnlySpan<float> x = A.AsSpan(oa, n), y = B.AsSpan(ob, n);
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(x, y, c); break;
                case BinaryOp.Sub: TensorPrimitives.Subtract(x, y, c); break;
                case BinaryOp.Mul: TensorPrimitives.Multiply(x, y, c); break;
                default: TensorPrimitives.Divide(x, y, c); break;
            }
        }
        else if (sa == 1)
        {
            ReadOnlySpan<float> x = A.AsSpan(oa, n);
            float y = B[ob];
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(x, y, c); break;
                case BinaryOp.Sub: TensorPrimitives.Subtract(x, y, c); break;
                case BinaryOp.Mul: TensorPrimitives.Multiply(x, y, c); break;
                default: TensorPrimitives.Divide(x, y, c); break;
            }
        }
        else if (sb == 1)
        {
            float x = A[oa];
            ReadOnlySpan<float> y = B.AsSpan(ob, n);
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(y, x, c); break;
                case BinaryOp.Sub: TensorPrimitives.Subtract(x, y, c); break;
                case BinaryOp.Mul: TensorPrimitives.Multiply(y, x, c); break;
                default: TensorPrimitives.Divide(x, y, c); break;
            }
        }
        else
        {
            float x = A[oa], y = B[ob];
            c.Fill(op switch { BinaryOp.Add => x + y, BinaryOp.Sub => x - y, BinaryOp.Mul => x * y, _ => x / y });
        }
    }

    public void Reduce(ReduceOp op, DeviceBuffer x, int outer, int axis, int inner, DeviceBuffer y,
        IndexBuffer? argmax, bool accumulate)
    {
        float[] X = F(x), Y = F(y);
        int[]? arg = argmax is null ? null : I(argmax);
        Parallelism.For(outer, (long)axis * inner, (o0, o1) =>
        {
            var acc = new float[inner];
            var best = new int[inner];
            for (int o = o0; o < o1; o++)
            {
                if (op == ReduceOp.Max)
                {
                    best.AsSpan().Fill(-1);
                    for (int a = 0; a < axis; a++)
                    {
                        int row = (o * axis + a) * inner;
                        for (int i = 0; i < inner; i++)
                            if (best[i] < 0 || X[row + i] > acc[i]) { acc[i] = X[row + i]; best[i] = row + i; }
                    }
                    for (int i = 0; i < inner; i++) if (best[i] < 0) acc[i] = 0;
                    if (arg is not null) best.AsSpan().CopyTo(arg.AsSpan(o * inner, inner));
                }
                else if (inner == 1)
                {
                    acc[0] = TensorPrimitives.Sum(X.AsSpan(o * axis, axis));
                }
                else
                {
                    acc.AsSpan().Clear();
                    for (int a = 0; a < axis; a++) TensorPrimitives.Add(acc, X.AsSpan((o * axis + a) * inner, inner), acc);
                }
                if (op == ReduceOp.Mean) TensorPrimitives.Multiply(acc, axis == 0 ? 0f : 1f / axis, acc);
                var dst = Y.AsSpan(o * inner, inner);
                if (accumulate) TensorPrimitives.Add(dst, acc, dst);
                else acc.AsSpan().CopyTo(dst);
            }
        });
    }

    public void Permute(DeviceBuffer x, int[] shape, int[] perm, DeviceBuffer y, bool accumulate)
    {
        float[] X = F(x), Y = F(y);
        int rank = shape.Length;
        if (rank == 0 || Core.Shapes.Count(shape) == 0) { if (rank == 0) Y[0] = accumulate ? Y[0] + X[0] : X[0]; return; }
        var inStride = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; s *= shape[d], d--) inStride[d] = s;
        var outShape = new int[rank];
        for (int d = 0; d < rank; d++) outShape[d] = shape[perm[d]];
        int inner = outShape[rank - 1], rows = Core.Shapes.Count(outShape) / inner, step = inStride[perm[rank - 1]];
        Parallelism.For(rows, inner, (r0, r1) =>
        {
            var idx = new int[rank];
            int rest = r0;
            for (int d = rank - 2; d >= 0; d--) { idx[d] = rest % outShape[d]; rest /= outShape[d]; }
            for (int r = r0; r < r1; r++)
            {
                int src = 0;
                for (int d = 0; d < rank - 1; d++) src += idx[d] * inStride[perm[d]];
                int dst = r * inner;
                if (step == 1)
                {
                    var from = X.AsSpan(src, inner);
                    var to = Y.AsSpan(dst, inner);
                    if (accumulate) TensorPrimitives.Add(to, from, to);
                    else from.CopyTo(to);
                }
                else if (accumulate) for (int i = 0; i < inner; i++) Y[dst + i] += X[src + i * step];
                else for (int i = 0; i < inner; i++) Y[dst + i] = X[src + i * step];
                for (int d = rank - 2; d >= 0 && ++idx[d] == outShape[d]; d--) idx[d] = 0;
            }
        });
    }

    public void IndexAdd(DeviceBuffer src, IndexBuffer index, int count, DeviceBuffer dst)
    {
        float[] S = F(src), T = F(dst);
        int[] idx = I(index);
        for (int i = 0; i < count; i++)
            if (idx[i] >= 0) T[idx[i]] += S[i];
    }

    public void LogSoftmax(DeviceBuffer x, int rows, int cols, DeviceBuffer y)
    {
        float[] X = F(x), Y = F(y);
        Parallelism.For(rows, 4L * cols, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var xs = X.AsSpan(r * cols, cols);
                var ys = Y.AsSpan(r * cols, cols);
                float max = TensorPrimitives.Max(xs);
                TensorPrimitives.Subtract(xs, max, ys);
                float sum = 0;
                foreach (float v in ys) sum += MathF.Exp(v);
                TensorPrimitives.Subtract(ys, MathF.Log(sum), ys);
            }
        });
    }

    public void OptimizerUpdate(in OptimizerStep step, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer state1,
        DeviceBuffer? state2, int n)
    {
        float[] P = F(param), G = F(grad), M = F(state1);
        float[]? V = state2 is null ? null : F(state2);
        var s = step;
        Parallelism.For(n, 16, (i0, i1) => Optimizers.Update(s, P, G, M, V, i0, i1));
    }
}
