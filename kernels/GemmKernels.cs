using ILGPU;

namespace StructureReps.Kernels;

/// <summary>
/// Batched row-major GEMM, C = α·op(A)·op(B) + β·C (β = 0 never reads C, as BLAS). Two versions:
/// <list type="bullet">
/// <item><c>Naive</c>: grid-stride over every C element of every batch, each an inner product read straight
/// from global memory. The reference for the tiled kernel and the one for tiny or oddly batched products.</item>
/// <item><c>Tiled</c>: a T×T thread group computes a T×T block of C, staging T×T tiles of A and B in shared memory
/// (dynamic, 2·T² floats) so each element loaded from global memory is used T times. T is the group's edge (16 on
/// a GPU; the CPU accelerator's 4-thread groups give 2). Grid: (⌈N/T⌉, ⌈M/T⌉, batch).</item>
/// </list>
/// </summary>
public static class GemmKernels
{
    public static void Naive(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs g)
    {
        int perBatch = g.M * g.N, total = perBatch * g.Batch;
        for (int i = GridStride.Start, step = GridStride.Step; i < total; i += step)
        {
            int batch = i / perBatch, rest = i - batch * perBatch, row = rest / g.N, col = rest - row * g.N;
            int baseA = g.OffsetA + batch * g.StrideA, baseB = g.OffsetB + batch * g.StrideB;
            float acc = 0;
            for (int k = 0; k < g.K; k++) acc += a[baseA + g.IndexA(row, k)] * b[baseB + g.IndexB(k, col)];
            Store(c, g, g.OffsetC + batch * g.StrideC + row * g.N + col, acc);
        }
    }

    public static void Tiled(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs g)
    {
        var tiles = SharedMemory.GetDynamic<float>();
        int t = Group.DimX, tx = Group.IdxX, ty = Group.IdxY;
        int col = Grid.IdxX * t + tx, row = Grid.IdxY * t + ty, batch = Grid.IdxZ;
        int baseA = g.OffsetA + batch * g.StrideA, baseB = g.OffsetB + batch * g.StrideB;
        int tileB = t * t;
        float acc = 0;
        for (int k0 = 0; k0 < g.K; k0 += t)
        {
            // Thread (tx, ty) loads A[row, k0 + tx] and B[k0 + ty, col]; zeros outside the matrices.
            int ka = k0 + tx, kb = k0 + ty;
            tiles[ty * t + tx] = row < g.M && ka < g.K ? a[baseA + g.IndexA(row, ka)] : 0;
            tiles[tileB + ty * t + tx] = kb < g.K && col < g.N ? b[baseB + g.IndexB(kb, col)] : 0;
            Group.Barrier();
            for (int kk = 0; kk < t; kk++) acc += tiles[ty * t + kk] * tiles[tileB + kk * t + tx];
            Group.Barrier();
        }
        if (row < g.M && col < g.N) Store(c, g, g.OffsetC + batch * g.StrideC + row * g.N + col, acc);
    }

    private static void Store(ArrayView<float> c, in GemmArgs g, int at, float acc) =>
        c[at] = g.Beta == 0 ? g.Alpha * acc : g.Alpha * acc + g.Beta * c[at];
}

/// <summary>
/// A (batched) GEMM's geometry: C[m,n] = op(A)[m,k]·op(B)[k,n], op(A) = Aᵀ when TransA (A stored [k,m]),
/// op(B) = Bᵀ when TransB (B stored [n,k]); batch b reads A at OffsetA + b·StrideA and so on.
/// </summary>
public struct GemmArgs
{
    public int M, N, K, TransA, TransB, Batch, OffsetA, StrideA, OffsetB, StrideB, OffsetC, StrideC;
    public float Alpha, Beta;

    public readonly int IndexA(int row, int k) => TransA != 0 ? k * M + row : row * K + k;

    public readonly int IndexB(int k, int col) => TransB != 0 ? col * K + k : k * N + col;
}
