using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StructureReps.Backends.Cpu.Conv;
using StructureReps.Core.Backends;

namespace StructureReps.Backends.Cpu;

/// <summary>
/// Direct convolution (<see cref="IDirectConv2d"/>): no im2col matrix, no GEMM, no permute. A padded input is
/// copied into a zero-bordered plane per (image, channel), so every window read is in bounds (an unpadded one is read
/// in place), and each pass is a register tile from <see cref="ConvTiles"/> with lanes over a channel dimension
/// padded to whole vectors:
/// <list type="bullet">
/// <item>forward: lanes over output channels, 8 output pixels per tile running on across rows (two rows of 8 on
/// AVX-512 with 16 output channels, 6 pixels × 2 vectors on AVX2), the weight transposed to [C·kh·kw, O]; the tile is
/// written transposed into y [B, O, Ho, Wo] with the bias as the initial value and the fused ReLU applied in
/// registers;</item>
/// <item>input gradient: the same tile over zero-bordered dy ((k−1−p) at stride 1) and the flipped weight, lanes
/// over input channels; the pixels of a tile share their position modulo the stride and read consecutive dy
/// pixels, with only the taps that reach whole dy pixels (a quarter of them at stride 2): no dilated dy;</item>
/// <item>weight gradient: lanes over output channels (two vectors), 8 taps (c, ki, kj) per tile on AVX-512 and 6 on
/// AVX2 (12 accumulators in its 16 registers: twice the speed of 8 taps × one vector), summed over every pixel of a
/// group of <see cref="ImagesPerGroup"/> images; the groups are added in order (bits independent of threads).</item>
/// </list>
/// Where a 3-wide kernel at step 1 or 2 meets rows of whole tiles, the forward and stride-1 input-gradient tiles
/// are <see cref="ConvRowTiles"/>' (one loop turn per kernel row, constant load displacements; about 1.5× the
/// general tile's rate), with the same sums in the same order; so is the weight gradient's with one vector of
/// output channels on AVX-512 (5 kernel rows × 3 taps, 15 accumulators).
/// Each layer's forward is one parallel job over images, and its whole backward one job over image groups
/// (<see cref="Conv2dBackward"/>): a part makes its own images' copies and runs their tiles, so the threads meet
/// once per pass, not once per copy. A thread's part is the same range of images in every pass and layer
/// (<see cref="Parallelism.For"/>), so their activations are still in its caches. Every output element is written
/// by one part; weight sums are per group.
/// </summary>
public sealed partial class CpuBackend : IDirectConv2d
{
    private const int ImagesPerGroup = 4;
    private const int Tile = ConvTiles.Pixels;

    /// <summary>The pixel offsets of a row tile at step 1: 8 consecutive pixels.</summary>
    private static readonly int[] Consecutive = [0, 1, 2, 3, 4, 5, 6, 7];

    private static bool VectorsAccelerated => Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Tests only: 512 runs the Vector512 kernels (software-emulated where AVX-512 is missing) so that their 16-lane,
    /// two-vector tiles are checked on any machine, 256 the AVX2 kernels (6-pixel tiles) where AVX-512 is; 0 picks
    /// by hardware.
    /// </summary>
    internal int ForcedLaneBits { get; init; }

    private bool Wide => ForcedLaneBits == 512 || (ForcedLaneBits == 0 && Vector512.IsHardwareAccelerated);

    /// <summary>
    /// Direct for the small channel counts of the zoos and most small CNNs; im2col + native GEMM once both the
    /// reduction (C·kh·kw ≥ 576) and the output channels (≥ 64) are wide enough for the BLAS kernel to run near its
    /// rate (measured: 64→64 3×3 on 32×32, forward + backward, GEMM ahead by ~20 %). Padding beyond k − 1 is im2col's.
    /// </summary>
    public bool SupportsDirectConv2d(in ConvShape s, int outChannels) =>
        UsesDirectConvolution && VectorsAccelerated && s.PadH < s.KernelH && s.PadW < s.KernelW
        && !(UsesNativeBlas && s.ColRows >= 576 && outChannels >= 64);

    public void Conv2dForward(DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, in ConvShape s, int outChannels, DeviceBuffer y, bool relu)
    {
        if (Wide) Forward<Vector512<float>, Lanes512>(F(x), F(w), bias is null ? null : F(bias), s, outChannels, F(y), relu);
        else Forward<Vector256<float>, Lanes256>(F(x), F(w), bias is null ? null : F(bias), s, outChannels, F(y), relu);
    }

    public void Conv2dBackwardInput(DeviceBuffer dy, DeviceBuffer w, in ConvShape s, int outChannels, DeviceBuffer dx,
        DeviceBuffer? reluOutput) =>
        Conv2dBackward(dy, null, w, s, outChannels, dx, null, null, reluOutput);

    public void Conv2dBackwardWeight(DeviceBuffer dy, DeviceBuffer x, in ConvShape s, int outChannels, DeviceBuffer? dw, DeviceBuffer? dbias,
        DeviceBuffer? reluOutput) =>
        Conv2dBackward(dy, x, null, s, outChannels, null, dw, dbias, reluOutput);

    /// <summary>
    /// The one-job backward (see <see cref="Backward{TVec, V}"/>). x may be null when dw is, and w when dx is: the
    /// two separate interface calls above come through here with the other side's gradients null.
    /// </summary>
    public void Conv2dBackward(DeviceBuffer dy, DeviceBuffer? x, DeviceBuffer? w, in ConvShape s, int outChannels,
        DeviceBuffer? dx, DeviceBuffer? dw, DeviceBuffer? dbias, DeviceBuffer? reluOutput)
    {
        if (dx is null && dw is null && dbias is null) return;
        float[]? DX = dx is null ? null : F(dx), DW = dw is null ? null : F(dw), DB = dbias is null ? null : F(dbias);
        float[]? X = x is null ? null : F(x), W = w is null ? null : F(w);
        float[]? mask = reluOutput is null ? null : F(reluOutput);
        if (DX is not null && W is null)
            throw new ArgumentNullException(nameof(w), "Conv2dBackward: dx needs the weight");
        if (DW is not null && X is null) throw new ArgumentNullException(nameof(x), "Conv2dBackward: dw needs x");
        if (Wide) Backward<Vector512<float>, Lanes512>(F(dy), mask, W, X, s, outChannels, DX, DW, DB);
        else Backward<Vector256<float>, Lanes256>(F(dy), mask, W, X, s, outChannels, DX, DW, DB);
    }

    private void Forward<TVec, V>(float[] X, float[] W, float[]? bias, ConvShape s, int O, float[] Y, bool relu)
        where TVec : struct where V : ILanes<TVec>
    {
        int L = V.Count, width = RoundUp(O, L), taps = s.ColRows, ho = s.OutH, wo = s.OutW;
        int hp = s.H + 2 * s.PadH, wp = s.W + 2 * s.PadW, plane = hp * wp, C = s.Channels;
        var wt = _pool.Rent(taps * width, zeroed: true); // [O/L blocks, C·kh·kw, L]
        for (int o = 0; o < O; o++)
            for (int r = 0; r < taps; r++) wt[((o / L) * taps + r) * L + o % L] = W[o * taps + r];
        var init = _pool.Rent(width, zeroed: true);
        if (bias is not null) Array.Copy(bias, init, O);
        // x itself when it has no padding, else bordered planes, which each part of the job fills for its own images.
        // Every tile reads only real output pixels' windows (a short tile repeats its last pixel), so nothing is read
        // past the last plane.
        bool inPlace = s.PadH == 0 && s.PadW == 0;
        var xpad = inPlace ? X : _pool.Rent(s.Batch * C * plane, zeroed: false);
        var offsets = ArrayPool<int>.Shared.Rent(taps);
        for (int c = 0, r = 0; c < C; c++)
            for (int ki = 0; ki < s.KernelH; ki++)
                for (int kj = 0; kj < s.KernelW; kj++) offsets[r++] = c * plane + ki * wp + kj;
        // AVX2 with 16 or more output channels: 6 pixels × 2 vectors per tile, running on across rows (see
        // PixelTile6); 12–17 % faster than 8 pixels × 1 vector on the zoo layers, measured interleaved.
        bool six = L == 8 && width >= 16 && SixPixelTiles;
        bool twoRows = L == 16 && O == L && wo % Tile == 0 && TwoRowTiles;
        // 3-wide kernels at step 1 or 2 with rows of whole tiles: the row-tap tiles (ConvRowTiles), one turn per
        // kernel row and constant load displacements.
        var rowOffsets = RowTapTiles(s, wo)
            ? KernelRowOffsets(offsets.AsSpan(0, taps), s.KernelW, C * s.KernelH)
            : null;
        int nvMax = NvMax(L);
        Parallelism.For(s.Batch, (long)ho * (wo + Tile) * taps * width, (b0, b1) =>
        {
            if (!inPlace) ConvCopies.BorderPlanes(X, null, b0 * C, b1 * C, s.H, s.W, s.PadH, s.PadW, hp, wp, xpad);
            if (six)
            {
                SixPixelImages<TVec, V>(b0, b1, xpad, C * plane, ho * wo, wo, s.StrideH * wp, s.StrideW, offsets, taps, wt,
                    width, init, Y, O, accumulate: false, relu);
                return;
            }
            Span<int> at = stackalloc int[Tile];
            int pixels = ho * wo;
            if (twoRows)
            {
                // AVX-512, one vector of output channels, rows of whole tiles: two rows per tile (PixelTile8x2).
                TilePixels(at, 0, Tile, wo, s.StrideH * wp, s.StrideW);
                for (int b = b0; b < b1; b++)
                    for (int oy = 0; oy < ho; oy += 2)
                        for (int ox0 = 0; ox0 < wo; ox0 += Tile)
                        {
                            int src = b * C * plane + oy * s.StrideH * wp + ox0 * s.StrideW;
                            int to = b * O * pixels + oy * wo + ox0;
                            if (oy + 1 < ho && rowOffsets is not null)
                                RowTile8x2<TVec, V>(s.StrideW, xpad, src, s.StrideH * wp, rowOffsets, wt,
                                    init.AsSpan(0, L), ref Y[to], pixels, wo, relu);
                            else if (oy + 1 < ho)
                                ConvTiles.PixelTile8x2<TVec, V>(xpad, src, at, s.StrideH * wp, offsets, taps, wt,
                                    init.AsSpan(0, L), ref Y[to], pixels, wo, relu);
                            else
                                ConvTiles.PixelTile8<TVec, V>(xpad, src, at, offsets, taps, wt, taps * L,
                                    init.AsSpan(0, L), 1, ref Y[to], pixels, relu);
                        }
                return;
            }
            // Tiles of 8 output pixels running on across rows (a 13-pixel row wastes nothing, a 2-pixel one little),
            // written straight into y when whole.
            Span<float> tile = stackalloc float[2 * Tile * L];
            for (int b = b0; b < b1; b++)
                for (int p0 = 0; p0 < pixels; p0 += Tile)
                {
                    int n = Math.Min(Tile, pixels - p0);
                    TilePixels(at, p0, n, wo, s.StrideH * wp, s.StrideW);
                    for (int lane = 0; lane < width;)
                    {
                        int nv = Math.Min(nvMax, (width - lane) / L), to = (b * O + lane) * pixels + p0;
                        // A whole tile goes straight into y; a short one, or a partial vector of channels (O = 12,
                        // 20, 40: the zoos' scaled widths), through the tile buffer, then its valid rows.
                        bool whole = n == Tile && lane + nv * L <= O;
                        ref float dst = ref whole ? ref Y[to] : ref tile[0];
                        nint dstStride = whole ? pixels : Tile;
                        var laneWeights = wt.AsSpan(lane * taps);
                        var laneInit = init.AsSpan(lane, nv * L);
                        if (rowOffsets is not null)
                            RowTile8<TVec, V>(s.StrideW, xpad, b * C * plane + at[0], rowOffsets, laneWeights, taps * L,
                                laneInit, nv, ref dst, dstStride, relu);
                        else
                            ConvTiles.PixelTile8<TVec, V>(xpad, b * C * plane, at, offsets, taps, laneWeights, taps * L,
                                laneInit, nv, ref dst, dstStride, relu);
                        if (!whole)
                            for (int k = 0, o = lane; k < nv * L && o < O; k++, o++)
                                StoreRow(tile, k, Y, to + k * pixels, n, accumulate: false);
                        lane += nv * L;
                    }
                }
        });
        ArrayPool<int>.Shared.Return(offsets);
        if (!inPlace) _pool.Return(xpad);
        _pool.Return(init);
        _pool.Return(wt);
    }

    /// <summary>
    /// The layer's whole backward as one parallel job over groups of <see cref="ImagesPerGroup"/> images: each part
    /// makes its images' copies (bordered dy, pixel-major dy, bordered x) and runs their weight-gradient and
    /// input-gradient tiles, so the threads meet once per layer instead of once per copy and pass. Every dx element
    /// is one image's; the weight sums are per group, added in order after the job.
    /// </summary>
    private void Backward<TVec, V>(float[] DY, float[]? mask, float[]? W, float[]? X, ConvShape s, int O, float[]? DX,
        float[]? DW, float[]? DB)
        where TVec : struct where V : ILanes<TVec>
    {
        var input = DX is null ? null : new InputGradientPass<TVec, V>(_pool, W!, s, O);
        var weight = DW is null && DB is null
            ? null
            : new WeightGradientPass<TVec, V>(_pool, X, s, O, DW is not null, DB is not null);
        int imageGroups = (s.Batch + ImagesPerGroup - 1) / ImagesPerGroup;
        long costPerGroup = ImagesPerGroup * ((input?.CostPerImage ?? 0) + (weight?.CostPerImage ?? 0));
        Parallelism.For(imageGroups, costPerGroup, (g0, g1) =>
        {
            for (int ig = g0; ig < g1; ig++)
            {
                int b0 = ig * ImagesPerGroup, b1 = Math.Min(s.Batch, b0 + ImagesPerGroup);
                weight?.Run(DY, mask, X!, ig, b0, b1);
                input?.Run(DY, mask, DX!, b0, b1);
            }
        });
        weight?.Finish(DW, DB);
        input?.Return();
    }

    /// <summary>
    /// Whether the kernel suits the row-tap tiles (<see cref="ConvRowTiles"/>): 3 wide, step 1 or 2 along rows.
    /// </summary>
    private static bool RowTapKernel(in ConvShape s) =>
        UseRowTapTiles && s.KernelW == ConvRowTiles.KernelWidth && s.StrideW is 1 or 2;

    /// <summary>
    /// Whether a pass over [·, cols] outputs can run the row-tap pixel tiles: a <see cref="RowTapKernel"/> and rows of
    /// whole tiles, so a tile's 8 pixels are one row's.
    /// </summary>
    private static bool RowTapTiles(in ConvShape s, int cols) => RowTapKernel(s) && cols % Tile == 0;

    /// <summary>
    /// The first tap's offset of each kernel row, from a pass's tap offsets in (row, kj) order, kernelW per row;
    /// rows past the kernel's repeat its last (a weight tile's spare rows, whose sums are discarded).
    /// </summary>
    private static int[] KernelRowOffsets(ReadOnlySpan<int> taps, int kernelW, int rows)
    {
        int kernelRows = taps.Length / kernelW;
        var first = new int[rows];
        for (int r = 0; r < rows; r++) first[r] = taps[Math.Min(r, kernelRows - 1) * kernelW];
        return first;
    }

    /// <summary><see cref="ConvRowTiles.RowTile8x2{TVec, V, S}"/> at the pass's step.</summary>
    private static void RowTile8x2<TVec, V>(int step, float[] src, int srcBase, nint rowDelta, int[] rowOffsets,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> init, ref float dst, nint dstStride, nint dstRowDelta,
        bool relu)
        where TVec : struct where V : ILanes<TVec>
    {
        if (step == 1)
            ConvRowTiles.RowTile8x2<TVec, V, Step1>(src, srcBase, rowDelta, rowOffsets, weights, init, ref dst,
                dstStride, dstRowDelta, relu);
        else
            ConvRowTiles.RowTile8x2<TVec, V, Step2>(src, srcBase, rowDelta, rowOffsets, weights, init, ref dst,
                dstStride, dstRowDelta, relu);
    }

    /// <summary><see cref="ConvRowTiles.RowTile8{TVec, V, S}"/> at the pass's step.</summary>
    private static void RowTile8<TVec, V>(int step, float[] src, int srcBase, int[] rowOffsets,
        ReadOnlySpan<float> weights, int vecStride, ReadOnlySpan<float> init, int nv, ref float dst, nint dstStride,
        bool relu)
        where TVec : struct where V : ILanes<TVec>
    {
        if (step == 1)
            ConvRowTiles.RowTile8<TVec, V, Step1>(src, srcBase, rowOffsets, weights, vecStride, init, nv, ref dst,
                dstStride, relu);
        else
            ConvRowTiles.RowTile8<TVec, V, Step2>(src, srcBase, rowOffsets, weights, vecStride, init, nv, ref dst,
                dstStride, relu);
    }

    /// <summary>Tests and A/B timing: false keeps every pass on the general tiles.</summary>
    internal static bool UseRowTapTiles = true;

    /// <summary>Row k of a channel-major tile, 8 pixels, into (or added to) dst[at …]; one vector when whole.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(Span<float> tile, int k, float[] dst, int at, int valid, bool accumulate)
    {
        ref float from = ref tile[k * Tile];
        if (valid == Tile && at + Tile <= dst.Length)
        {
            ref float to = ref dst[at];
            var v = Vector256.LoadUnsafe(ref from);
            if (accumulate) v += Vector256.LoadUnsafe(ref to);
            v.StoreUnsafe(ref to);
            return;
        }
        for (int t = 0; t < valid; t++)
        {
            if (accumulate) dst[at + t] += Unsafe.Add(ref from, t);
            else dst[at + t] = Unsafe.Add(ref from, t);
        }
    }

    /// <summary>
    /// Images b0 … b1 − 1 in AVX2 6-pixel × 2-vector tiles (<see cref="ConvTiles.PixelTile6{TVec, V}"/>) over their
    /// [pixels] outputs, shared by the forward and the stride-1 input gradient: the source image at b·srcImage, pixel
    /// p at (p / cols)·rowStep + (p % cols)·colStep, weights in blocks [width/L, taps, L], output [B, channels,
    /// pixels] written (forward, max(·, 0) with relu) or added to (input gradient).
    /// </summary>
    private static void SixPixelImages<TVec, V>(int b0, int b1, float[] src, int srcImage, int pixels, int cols,
        int rowStep, int colStep, int[] offsets, int taps, float[] weights, int width, float[]? init, float[] dst,
        int channels, bool accumulate, bool relu)
        where TVec : struct where V : ILanes<TVec>
    {
        int L = V.Count;
        Span<int> at = stackalloc int[6];
        Span<float> tile = stackalloc float[2 * Tile * L];
        for (int b = b0; b < b1; b++)
            for (int p0 = 0; p0 < pixels; p0 += 6)
            {
                int n = Math.Min(6, pixels - p0);
                TilePixels(at, p0, n, cols, rowStep, colStep);
                for (int lane = 0; lane < width;)
                {
                    int nv = Math.Min(2, (width - lane) / L);
                    ConvTiles.PixelTile6<TVec, V>(src, b * srcImage, at, offsets.AsSpan(0, taps), taps, weights.AsSpan(lane * taps),
                        taps * L, init is null ? ReadOnlySpan<float>.Empty : init.AsSpan(lane, nv * L), nv, tile, relu);
                    for (int k = 0, c = lane; k < nv * L && c < channels; k++, c++)
                    {
                        int to = (b * channels + c) * pixels + p0;
                        if (!accumulate) StoreSix(tile, k, dst, to, n);
                        else
                        {
                            var into = dst.AsSpan(to, n);
                            System.Numerics.Tensors.TensorPrimitives.Add(into, tile.Slice(k * Tile, n), into);
                        }
                    }
                    lane += nv * L;
                }
            }
    }

    /// <summary>
    /// The source offsets of pixels p0 … p0 + at.Length − 1 of a [·, cols] output (rowStep, colStep apart in the
    /// source), a short tile (n valid) repeating its last pixel; one division per tile.
    /// </summary>
    private static void TilePixels(Span<int> at, int p0, int n, int cols, int rowStep, int colStep)
    {
        int row = p0 / cols, col = p0 - row * cols;
        for (int t = 0; t < at.Length; t++)
        {
            at[t] = row * rowStep + col * colStep;
            if (t + 1 < n && ++col == cols) { col = 0; row++; }
        }
    }

    /// <summary>Row k of a six-pixel tile (n ≤ 6 valid) into dst[at …]: a 4-wide and a 2-wide store when whole.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreSix(Span<float> tile, int k, float[] dst, int at, int n)
    {
        ref float from = ref tile[k * Tile];
        if (n == 6 && at + 6 <= dst.Length)
        {
            ref float to = ref dst[at];
            Vector128.LoadUnsafe(ref from).StoreUnsafe(ref to);
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref to, 4)),
                Unsafe.ReadUnaligned<long>(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref from, 4))));
            return;
        }
        for (int t = 0; t < n; t++) dst[at + t] = Unsafe.Add(ref from, t);
    }

    /// <summary>Tests and A/B timing: false sends AVX2 back to the 8-pixel row tiles everywhere.</summary>
    internal static bool SixPixelTiles = true;

    /// <summary>Tests and A/B timing: false keeps AVX-512's 16-channel forward at one row per tile.</summary>
    internal static bool TwoRowTiles = true;

    /// <summary>Vectors per tile: 16 accumulators fit AVX-512's 32 registers, 8 fit AVX2's 16.</summary>
    private static int NvMax(int lanes) => lanes == 16 ? 2 : 1;

    /// <summary>
    /// Along one axis of the input gradient, over every pixel class and tap: how many zero rows dy needs before its
    /// first row (Before), and the row, counted from dy's first, before which every read falls (Extent, at least
    /// dy's own rows). The bordered dy then has Before + Extent rows.
    /// </summary>
    private static (int Before, int Extent) Reach(int inSize, int stride, int pad, int kernel, int outSize)
    {
        int before = 0, after = outSize;
        for (int r = 0; r < stride && r < inSize; r++)
            for (int k = 0; k < kernel; k++)
            {
                if (Mod(r + pad - k, stride) != 0) continue;
                int shift = (r + pad - k) / stride, last = (inSize - 1 - r) / stride + shift;
                before = Math.Max(before, -shift);
                after = Math.Max(after, last + 1);
            }
        return (before, after);
    }

    private static int RoundUp(int n, int multiple) => (n + multiple - 1) / multiple * multiple;

    private static int Mod(int a, int m) => ((a % m) + m) % m;
}
