using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StructureReps.Backends.Cpu.Gemm;

/// <summary>
/// Row-major SGEMM in managed code, for when no native BLAS loads (the embeddable engine). Goto/BLIS
/// structure: B is packed into NR-wide panels per KC-deep slab, A into MR-high panels per MC-row block, and a
/// register-tiled micro-kernel computes an MR×NR tile of C with FMAs: 6×32 with Vector512 (12 accumulators),
/// 6×16 with Vector256, scalar otherwise. Threads take (row block, column range) tiles; each element of C is
/// owned by one tile and summed in k order, so the result does not depend on the thread count.
/// Versions: <see cref="Small"/> for tiny products where packing costs more than it saves.
/// </summary>
public static unsafe class ManagedGemm
{
    private const int MR = 6, KC = 256, MC = 96, NC = 4096;
    private static readonly int NR = Vector512.IsHardwareAccelerated ? 32 : 16;

    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc, bool parallel = true)
    {
        ScaleC(m, n, beta, c, ldc);
        if (m == 0 || n == 0 || k == 0 || alpha == 0) return;
        if ((long)m * n * k <= 32 * 32 * 32)
        {
            Small(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc);
            return;
        }
        float* bPack = PackBuffer();
        int rowBlocks = (m + MC - 1) / MC;
        int workers = parallel ? Parallelism.Workers : 1;
        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc), nPanels = (nc + NR - 1) / NR;
            // Enough column ranges that every worker has a tile even when m is small (conv: m = out channels).
            int colRanges = Math.Min(nPanels, Math.Max(1, (2 * workers + rowBlocks - 1) / rowBlocks));
            int tiles = rowBlocks * colRanges;
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                PackB(transB, b, ldb, pc, kc, jc, nc, bPack);
                var body = (int t) =>
                {
                    int rb = t / colRanges, cr = t % colRanges;
                    int i0 = rb * MC, mc = Math.Min(MC, m - i0);
                    int p0 = (int)((long)nPanels * cr / colRanges), p1 = (int)((long)nPanels * (cr + 1) / colRanges);
                    float* aPack = stackalloc float[MC * KC];
                    float* tile = stackalloc float[MR * 32];
                    PackA(transA, a, lda, i0, mc, pc, kc, aPack);
                    for (int jp = p0; jp < p1; jp++)
                    {
                        int j0 = jp * NR, nr = Math.Min(NR, nc - j0);
                        for (int ir = 0; ir < mc; ir += MR)
                            MicroKernel(kc, aPack + ir * kc, bPack + jp * kc * NR, c + (i0 + ir) * ldc + jc + j0, ldc,
                                Math.Min(MR, mc - ir), nr, alpha, tile);
                    }
                };
                if (workers > 1 && tiles > 1 && (long)m * nc * kc > 1 << 18)
                    Parallelism.Parts(tiles, body);
                else
                    for (int t = 0; t < tiles; t++) body(t);
            }
        }
    }

    [ThreadStatic] private static float[]? _packB;

    /// <summary>
    /// The calling thread's B-pack buffer (KC × NC floats, pinned, reused): allocating it per call cost fresh
    /// page faults on every GEMM, which dominated skinny products such as a convolution's 16 × 32768 × 144.
    /// </summary>
    private static float* PackBuffer()
    {
        _packB ??= GC.AllocateUninitializedArray<float>(KC * NC, pinned: true);
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_packB));
    }

    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        if (beta == 1) return;
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + i * ldc, n);
            if (beta == 0) row.Clear(); // BLAS semantics: C is not read when beta = 0
            else System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>B[pc..pc+kc, jc..jc+nc) → panels [nc/NR][kc][NR], zero-padded on the right.</summary>
    private static void PackB(bool transB, float* b, int ldb, int pc, int kc, int jc, int nc, float* pack)
    {
        int nPanels = (nc + NR - 1) / NR;
        for (int jp = 0; jp < nPanels; jp++)
        {
            int j0 = jc + jp * NR, nr = Math.Min(NR, jc + nc - j0);
            float* dst = pack + jp * kc * NR;
            for (int p = 0; p < kc; p++, dst += NR)
            {
                if (!transB)
                {
                    new ReadOnlySpan<float>(b + (pc + p) * ldb + j0, nr).CopyTo(new Span<float>(dst, nr));
                }
                else
                {
                    for (int j = 0; j < nr; j++) dst[j] = b[(j0 + j) * ldb + pc + p];
                }
                for (int j = nr; j < NR; j++) dst[j] = 0;
            }
        }
    }

    /// <summary>A[i0..i0+mc, pc..pc+kc) → panels [mc/MR][kc][MR], zero-padded at the bottom.</summary>
    private static void PackA(bool transA, float* a, int lda, int i0, int mc, int pc, int kc, float* pack)
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            int mr = Math.Min(MR, mc - ir);
            float* dst = pack + ir * kc;
            for (int p = 0; p < kc; p++, dst += MR)
            {
                for (int i = 0; i < mr; i++)
                    dst[i] = transA ? a[(pc + p) * lda + i0 + ir + i] : a[(i0 + ir + i) * lda + pc + p];
                for (int i = mr; i < MR; i++) dst[i] = 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel(int kc, float* ap, float* bp, float* c, int ldc, int mr, int nr, float alpha, float* tile)
    {
        if (Vector512.IsHardwareAccelerated) Kernel512(kc, ap, bp, tile);
        else if (Vector256.IsHardwareAccelerated) Kernel256(kc, ap, bp, tile);
        else KernelScalar(kc, ap, bp, tile);
        AddTile(tile, NR, alpha, c, ldc, mr, nr);
    }

    /// <summary>
    /// 6×32 tile: 12 Vector512 accumulators, two B loads and one A broadcast per row per k, written to
    /// <paramref name="tile"/>. Kept free of stackalloc and of work after the loop: either made the JIT spill
    /// every accumulator to the stack on every iteration (10× slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512(int kc, float* ap, float* bp, float* tile)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (; kc > 0; kc--, ap += MR, bp += 32)
        {
            var b0 = Vector512.Load(bp);
            var b1 = Vector512.Load(bp + 16);
            var a = Vector512.Create(ap[0]); c00 = Vector512.FusedMultiplyAdd(a, b0, c00); c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
            a = Vector512.Create(ap[1]); c10 = Vector512.FusedMultiplyAdd(a, b0, c10); c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
            a = Vector512.Create(ap[2]); c20 = Vector512.FusedMultiplyAdd(a, b0, c20); c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
            a = Vector512.Create(ap[3]); c30 = Vector512.FusedMultiplyAdd(a, b0, c30); c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
            a = Vector512.Create(ap[4]); c40 = Vector512.FusedMultiplyAdd(a, b0, c40); c41 = Vector512.FusedMultiplyAdd(a, b1, c41);
            a = Vector512.Create(ap[5]); c50 = Vector512.FusedMultiplyAdd(a, b0, c50); c51 = Vector512.FusedMultiplyAdd(a, b1, c51);
        }
        c00.Store(tile); c01.Store(tile + 16); c10.Store(tile + 32); c11.Store(tile + 48);
        c20.Store(tile + 64); c21.Store(tile + 80); c30.Store(tile + 96); c31.Store(tile + 112);
        c40.Store(tile + 128); c41.Store(tile + 144); c50.Store(tile + 160); c51.Store(tile + 176);
    }

    /// <summary>6×16 tile: 12 Vector256 accumulators (AVX2 machines).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256(int kc, float* ap, float* bp, float* tile)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (; kc > 0; kc--, ap += MR, bp += 16)
        {
            var b0 = Vector256.Load(bp);
            var b1 = Vector256.Load(bp + 8);
            var a = Vector256.Create(ap[0]); c00 = Vector256.FusedMultiplyAdd(a, b0, c00); c01 = Vector256.FusedMultiplyAdd(a, b1, c01);
            a = Vector256.Create(ap[1]); c10 = Vector256.FusedMultiplyAdd(a, b0, c10); c11 = Vector256.FusedMultiplyAdd(a, b1, c11);
            a = Vector256.Create(ap[2]); c20 = Vector256.FusedMultiplyAdd(a, b0, c20); c21 = Vector256.FusedMultiplyAdd(a, b1, c21);
            a = Vector256.Create(ap[3]); c30 = Vector256.FusedMultiplyAdd(a, b0, c30); c31 = Vector256.FusedMultiplyAdd(a, b1, c31);
            a = Vector256.Create(ap[4]); c40 = Vector256.FusedMultiplyAdd(a, b0, c40); c41 = Vector256.FusedMultiplyAdd(a, b1, c41);
            a = Vector256.Create(ap[5]); c50 = Vector256.FusedMultiplyAdd(a, b0, c50); c51 = Vector256.FusedMultiplyAdd(a, b1, c51);
        }
        c00.Store(tile); c01.Store(tile + 8); c10.Store(tile + 16); c11.Store(tile + 24);
        c20.Store(tile + 32); c21.Store(tile + 40); c30.Store(tile + 48); c31.Store(tile + 56);
        c40.Store(tile + 64); c41.Store(tile + 72); c50.Store(tile + 80); c51.Store(tile + 88);
    }

    private static void KernelScalar(int kc, float* ap, float* bp, float* tile)
    {
        new Span<float>(tile, MR * 16).Clear();
        for (int p = 0; p < kc; p++, ap += MR, bp += 16)
            for (int i = 0; i < MR; i++)
                for (int j = 0; j < 16; j++) tile[i * 16 + j] += ap[i] * bp[j];
    }

    /// <summary>C[0..mr, 0..nr) += alpha·tile (the valid corner of a padded tile).</summary>
    private static void AddTile(float* tile, int tileCols, float alpha, float* c, int ldc, int mr, int nr)
    {
        for (int i = 0; i < mr; i++)
        {
            var row = new Span<float>(c + i * ldc, nr);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(tile + i * tileCols, nr), alpha, row, row);
        }
    }

    /// <summary>Direct loops for products of at most 32³ multiply-adds: row axpys, or dots when B is transposed.</summary>
    private static void Small(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var cRow = new Span<float>(c + i * ldc, n);
            if (!transB)
            {
                for (int p = 0; p < k; p++)
                {
                    float av = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(b + p * ldb, n), av, cRow, cRow);
                }
            }
            else
            {
                for (int j = 0; j < n; j++)
                {
                    float sum = 0;
                    for (int p = 0; p < k; p++) sum += (transA ? a[p * lda + i] : a[i * lda + p]) * b[j * ldb + p];
                    cRow[j] += alpha * sum;
                }
            }
        }
    }
}
