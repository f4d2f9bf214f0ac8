using ILGPU;
using StructureReps.Core.Backends;
using StructureReps.Kernels;

namespace StructureReps.Backends.Ilgpu;

/// <summary>Which GEMM kernel runs (see <see cref="GemmKernels"/>).</summary>
public enum GemmKernel { Auto, Naive, Tiled }

public sealed partial class IlgpuBackend
{
    public void Gemm(in GemmShape g, float alpha, DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c) =>
        Gemm(GemmKernel.Auto, g, alpha, a, b, beta, c);

    /// <summary>
    /// GEMM with a chosen kernel. Auto takes the tiled kernel where groups of 8×8 or more fit (a GPU) and the
    /// grid fits the device's limits, the naive one otherwise (the CPU accelerator's 4-thread groups give 2×2
    /// tiles, whose barriers cost more than the reuse saves).
    /// </summary>
    public void Gemm(GemmKernel kernel, in GemmShape g, float alpha, DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c)
    {
        if ((long)g.M * g.N * g.Batch == 0) return;
        var args = new GemmArgs
        {
            M = g.M, N = g.N, K = g.K, TransA = g.TransA ? 1 : 0, TransB = g.TransB ? 1 : 0, Batch = g.Batch,
            OffsetA = g.OffsetA, StrideA = g.StrideA, OffsetB = g.OffsetB, StrideB = g.StrideB,
            OffsetC = g.OffsetC, StrideC = g.StrideC, Alpha = alpha, Beta = beta,
        };
        int t = TileSize;
        int tilesX = (g.N + t - 1) / t, tilesY = (g.M + t - 1) / t;
        var limit = _acc.MaxGridSize;
        bool fits = tilesX <= limit.X && tilesY <= limit.Y && g.Batch <= limit.Z;
        bool tiled = kernel switch
        {
            GemmKernel.Tiled => fits ? true : throw new NotSupportedException(
                $"{Name}: a {g.M}×{g.N} GEMM over {g.Batch} batches needs a grid of ({tilesX}, {tilesY}, {g.Batch}) tiles; the device allows {limit}"),
            GemmKernel.Naive => false,
            _ => fits && t >= 8,
        };
        lock (_gate)
        {
            Bind();
            if (tiled)
            {
                var config = new KernelConfig(new Index3D(tilesX, tilesY, g.Batch), new Index3D(t, t, 1),
                    SharedMemoryConfig.RequestDynamic<float>(2 * t * t));
                _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmKernels.Tiled)(config, V(a), V(b), V(c), args);
            }
            else _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmKernels.Naive)(Stride((long)g.M * g.N * g.Batch), V(a), V(b), V(c), args);
        }
    }
}
