using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StructureReps.Backends.Cpu.Conv;
using StructureReps.Core.Backends;

namespace StructureReps.Backends.Cpu;

/// <summary>
/// Direct convolution (<see cref="IDirectConv2d"/>): no im2col matrix, no GEMM, no permute. The input is copied
/// once into a zero-bordered plane per (image, channel), so every window read is in bounds, and each pass is a
/// register tile from <see cref="ConvTiles"/> with lanes over a channel dimension padded to whole vectors:
/// <list type="bullet">
/// <item>forward: lanes over output channels, 8 output pixels of a row per tile, the weight transposed to
/// [C·kh·kw, O]; the tile is written transposed into y [B, O, Ho, Wo] with the bias as the initial value;</item>
/// <item>input gradient: the same tile over zero-bordered dy ((k−1−p) at stride 1) and the flipped weight, lanes
/// over input channels; the pixels of a tile share their position modulo the stride and read consecutive dy
/// pixels, with only the taps that reach whole dy pixels (a quarter of them at stride 2): no dilated dy;</item>
/// <item>weight gradient: lanes over output channels (two vectors), 8 taps (c, ki, kj) per tile on AVX-512 and 6 on
/// AVX2 (12 accumulators in its 16 registers: twice the speed of 8 taps × one vector), summed over every pixel of a
/// group of <see cref="ImagesPerGroup"/> images; the groups are added in order (bits independent of threads).</item>
/// </list>
/// Threads take output rows (forward, input gradient) or (image group, tap group) pairs, each writing its own
/// elements.
/// </summary>
public sealed partial class CpuBackend : IDirectConv2d
{
    private const int ImagesPerGroup = 4;
    private const int Tile = ConvTiles.Pixels;

    private static bool VectorsAccelerated => Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Tests only: 512 runs the Vector512 kernels (software-emulated where AVX-512 is missing) so that their 16-lane,
    /// two-vector tiles are checked on any machine; 0 picks by hardware.
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

    public void Conv2dBackwardInput(DeviceBuffer dy, DeviceBuffer w, in ConvShape s, int outChannels, DeviceBuffer dx, DeviceBuffer? reluOutput)
    {
        float[]? mask = reluOutput is null ? null : F(reluOutput);
        if (Wide) BackwardInput<Vector512<float>, Lanes512>(F(dy), mask, F(w), s, outChannels, F(dx));
        else BackwardInput<Vector256<float>, Lanes256>(F(dy), mask, F(w), s, outChannels, F(dx));
    }

    public void Conv2dBackwardWeight(DeviceBuffer dy, DeviceBuffer x, in ConvShape s, int outChannels, DeviceBuffer? dw, DeviceBuffer? dbias,
        DeviceBuffer? reluOutput)
    {
        if (dw is null && dbias is null) return;
        float[]? DW = dw is null ? null : F(dw), DB = dbias is null ? null : F(dbias), mask = reluOutput is null ? null : F(reluOutput);
        if (Wide) BackwardWeight<Vector512<float>, Lanes512>(F(dy), mask, F(x), s, outChannels, DW, DB);
        else BackwardWeight<Vector256<float>, Lanes256>(F(dy), mask, F(x), s, outChannels, DW, DB);
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
        var (xpad, xpadRented) = BorderedUnlessUnpadded(X, s, slack: Tile * s.StrideW + 16);
        var offsets = ArrayPool<int>.Shared.Rent(taps);
        for (int c = 0, r = 0; c < C; c++)
            for (int ki = 0; ki < s.KernelH; ki++)
                for (int kj = 0; kj < s.KernelW; kj++) offsets[r++] = c * plane + ki * wp + kj;
        int nvMax = NvMax(L), tilesPerRow = (wo + Tile - 1) / Tile;
        if (L == 8 && width >= 16 && SixPixelTiles)
        {
            // AVX2 with 16 or more output channels: 6 pixels × 2 vectors per tile, running on across rows (see
            // PixelTile6); 12–17 % faster than 8 pixels × 1 vector on the zoo layers, measured interleaved.
            SixPixelPass<TVec, V>(xpad, C * plane, s.Batch, ho * wo, wo, s.StrideH * wp, s.StrideW, offsets, taps, wt, width,
                init, Y, O, accumulate: false, relu);
        }
        else
        {
            Parallelism.For(s.Batch * ho, (long)tilesPerRow * taps * width * Tile, (r0, r1) =>
            {
                Span<float> tile = stackalloc float[2 * Tile * L];
                for (int row = r0; row < r1; row++)
                {
                    int b = row / ho, oy = row % ho;
                    for (int ox0 = 0; ox0 < wo; ox0 += Tile)
                    {
                        int valid = Math.Min(Tile, wo - ox0), srcBase = b * C * plane + oy * s.StrideH * wp + ox0 * s.StrideW;
                        for (int lane = 0; lane < width;)
                        {
                            int nv = Math.Min(nvMax, (width - lane) / L);
                            ConvTiles.RowTile<TVec, V>(xpad, srcBase, s.StrideW, offsets, taps, wt.AsSpan(lane * taps),
                                taps * L, init.AsSpan(lane, nv * L), nv, tile);
                            if (relu) Relu(tile[..(nv * L * Tile)]);
                            for (int k = 0, o = lane; k < nv * L && o < O; k++, o++)
                                StoreRow(tile, k, Y, ((b * O + o) * ho + oy) * wo + ox0, valid, accumulate: false);
                            lane += nv * L;
                        }
                    }
                }
            });
        }
        ArrayPool<int>.Shared.Return(offsets);
        if (xpadRented) _pool.Return(xpad);
        _pool.Return(init);
        _pool.Return(wt);
    }

    private void BackwardInput<TVec, V>(float[] DY, float[]? mask, float[] W, ConvShape s, int O, float[] DX)
        where TVec : struct where V : ILanes<TVec>
    {
        int L = V.Count, C = s.Channels, kh = s.KernelH, kw = s.KernelW, sh = s.StrideH, sw = s.StrideW;
        int width = RoundUp(C, L), ho = s.OutH, wo = s.OutW, taps = O * kh * kw;
        // Input pixels fall into classes by (row, column) modulo the stride; a class's pixels are reached only by the
        // taps whose dy pixel (iy + p − ki) / s is whole, and consecutive pixels of a class read consecutive dy
        // pixels. So dx is a stride-1 correlation per class over dy itself, bordered with zeros wide enough for every
        // tap's reach (k − 1 − p at stride 1), with that class's flipped taps: no dilated copy of dy.
        int classes = sh * sw;
        var rowReach = Reach(s.H, sh, s.PadH, kh, ho);
        var colReach = Reach(s.W, sw, s.PadW, kw, wo);
        int hd = rowReach.Before + rowReach.Extent, wd = colReach.Before + colReach.Extent, plane = hd * wd;
        var bordered = Bordered(DY, mask, s.Batch * O, ho, wo, rowReach.Before, colReach.Before, hd, wd, Tile + 16);
        // One tap list per class; its weights are [C/L blocks, taps of the class, L].
        var wx = _pool.Rent(classes * taps * width, zeroed: true);
        var offsets = ArrayPool<int>.Shared.Rent(classes * taps);
        var counts = new int[classes];
        for (int ry = 0; ry < sh; ry++)
            for (int rx = 0; rx < sw; rx++)
            {
                int cls = ry * sw + rx, n = 0;
                for (int o = 0; o < O; o++)
                    for (int ki = 0; ki < kh; ki++)
                        for (int kj = 0; kj < kw; kj++)
                        {
                            if (Mod(ry + s.PadH - ki, sh) != 0 || Mod(rx + s.PadW - kj, sw) != 0) continue;
                            int dyRow = (ry + s.PadH - ki) / sh + rowReach.Before;
                            int dyCol = (rx + s.PadW - kj) / sw + colReach.Before;
                            offsets[cls * taps + n] = o * plane + dyRow * wd + dyCol;
                            n++;
                        }
                counts[cls] = n;
                // [C/L blocks, n taps, L]: the class's taps in the order of its offsets
                for (int o = 0, k = 0; o < O; o++)
                    for (int ki = 0; ki < kh; ki++)
                        for (int kj = 0; kj < kw; kj++)
                        {
                            if (Mod(ry + s.PadH - ki, sh) != 0 || Mod(rx + s.PadW - kj, sw) != 0) continue;
                            for (int c = 0; c < C; c++)
                                wx[cls * taps * width + ((c / L) * n + k) * L + c % L] = W[((o * C + c) * kh + ki) * kw + kj];
                            k++;
                        }
            }
        int nvMax = NvMax(L);
        if (L == 8 && width >= 16 && classes == 1 && SixPixelTiles)
        {
            // AVX2, stride 1: 6 input pixels × 2 vectors of input channels per tile, running on across rows.
            SixPixelPass<TVec, V>(bordered, O * plane, s.Batch, s.H * s.W, s.W, wd, 1, offsets, taps, wx, width,
                null, DX, C, accumulate: true, relu: false);
        }
        else
        {
            Parallelism.For(s.Batch * s.H, (long)(s.W + Tile) * taps * width / classes, (r0, r1) =>
            {
                Span<float> tile = stackalloc float[2 * Tile * L];
                for (int row = r0; row < r1; row++)
                {
                    int b = row / s.H, iy = row % s.H;
                    for (int rx = 0; rx < sw && rx < s.W; rx++)
                    {
                        int cls = (iy % sh) * sw + rx, n = counts[cls];
                        if (n == 0) continue;
                        var tapOffsets = offsets.AsSpan(cls * taps, n);
                        int columns = (s.W - rx + sw - 1) / sw; // pixels rx, rx + sw, … of this row
                        for (int t0 = 0; t0 < columns; t0 += Tile)
                        {
                            int valid = Math.Min(Tile, columns - t0), ix0 = rx + t0 * sw;
                            int srcBase = b * O * plane + (iy / sh) * wd + t0;
                            for (int lane = 0; lane < width;)
                            {
                                int nv = Math.Min(nvMax, (width - lane) / L);
                                ConvTiles.RowTile<TVec, V>(bordered, srcBase, 1, tapOffsets, n, wx.AsSpan(cls * taps * width + lane * n),
                                    n * L, ReadOnlySpan<float>.Empty, nv, tile);
                                for (int k = 0, c = lane; k < nv * L && c < C; k++, c++)
                                {
                                    int at = ((b * C + c) * s.H + iy) * s.W + ix0;
                                    if (sw == 1) StoreRow(tile, k, DX, at, valid, accumulate: true);
                                    else
                                    {
                                        // every pixel of the class is inside dx's row: no bounds checks here
                                        ref float dx = ref DX[at];
                                        ref float from = ref tile[k * Tile];
                                        for (int t = 0; t < valid; t++)
                                            Unsafe.Add(ref dx, t * sw) += Unsafe.Add(ref from, t);
                                    }
                                }
                                lane += nv * L;
                            }
                        }
                    }
                }
            });
        }
        ArrayPool<int>.Shared.Return(offsets);
        _pool.Return(wx);
        _pool.Return(bordered);
    }

    private void BackwardWeight<TVec, V>(float[] DY, float[]? mask, float[] X, ConvShape s, int O, float[]? DW, float[]? DB)
        where TVec : struct where V : ILanes<TVec>
    {
        int L = V.Count, width = RoundUp(O, L), taps = s.ColRows, ho = s.OutH, wo = s.OutW, pixels = ho * wo;
        int hp = s.H + 2 * s.PadH, wp = s.W + 2 * s.PadW, plane = hp * wp, C = s.Channels, blocks = width / L;
        int imageGroups = (s.Batch + ImagesPerGroup - 1) / ImagesPerGroup;
        // Taps per tile: 8 × 2 vectors fill AVX-512's 32 registers; AVX2's 16 take 6 × 2.
        int T = L == 16 ? ConvTiles.Taps : 6;
        int groups = (taps + T - 1) / T, slots = groups * T;
        int partialSize = slots * width + width; // [taps padded, O padded] then the bias row
        var partial = _pool.Rent(imageGroups * partialSize, zeroed: true);
        if (DB is not null)
        {
            // The bias rows: Σ over each group's images and pixels of dy.
            Parallelism.For(imageGroups, (long)ImagesPerGroup * O * pixels, (g0, g1) =>
            {
                for (int ig = g0; ig < g1; ig++)
                    for (int b = ig * ImagesPerGroup; b < Math.Min(s.Batch, (ig + 1) * ImagesPerGroup); b++)
                        for (int o = 0; o < O; o++)
                            partial[ig * partialSize + slots * width + o] += mask is null
                                ? System.Numerics.Tensors.TensorPrimitives.Sum(DY.AsSpan((b * O + o) * pixels, pixels))
                                : MaskedSum(DY.AsSpan((b * O + o) * pixels, pixels), mask.AsSpan((b * O + o) * pixels, pixels));
            });
        }
        if (DW is not null)
        {
            // dy pixel-major in blocks of L channels, [B, O/L, Ho·Wo, L]: a pass over one block reads whole lines.
            var dyT = _pool.Rent(s.Batch * pixels * width, zeroed: width != O);
            Parallelism.For(s.Batch, (long)pixels * O, (b0, b1) =>
            {
                for (int b = b0; b < b1; b++) PixelMajor(DY, mask, b * O * pixels, O, pixels, L, dyT, b * blocks * pixels * L);
            });
            var (xpad, xpadRented) = BorderedUnlessUnpadded(X, s, slack: 0);
            var offsets = ArrayPool<int>.Shared.Rent(slots);
            for (int c = 0, r = 0; c < C; c++)
                for (int ki = 0; ki < s.KernelH; ki++)
                    for (int kj = 0; kj < s.KernelW; kj++) offsets[r++] = c * plane + ki * wp + kj;
            for (int r = taps; r < slots; r++) offsets[r] = offsets[taps - 1]; // the last group's spare lanes, discarded
            const int nvMax = 2; // 8 × 2 or 6 × 2 accumulators
            Parallelism.For(imageGroups * groups, (long)ImagesPerGroup * pixels * T * width, (i0, i1) =>
            {
                Span<float> acc = stackalloc float[2 * ConvTiles.Taps * L];
                for (int item = i0; item < i1; item++)
                {
                    int ig = item % imageGroups, g = item / imageGroups;
                    int bEnd = Math.Min(s.Batch, (ig + 1) * ImagesPerGroup);
                    var sum = partial.AsSpan(ig * partialSize, partialSize);
                    var tapOffsets = offsets.AsSpan(g * T, T);
                    for (int lane = 0; lane < width;)
                    {
                        int nv = Math.Min(nvMax, (width - lane) / L);
                        acc.Clear();
                        for (int b = ig * ImagesPerGroup; b < bEnd; b++)
                        {
                            var grad = dyT.AsSpan((b * blocks + lane / L) * pixels * L);
                            if (T == 6)
                                ConvTiles.TapTile6<TVec, V>(grad, pixels * L, xpad, b * C * plane, tapOffsets, ho, wo, s.StrideH * wp, s.StrideW, nv, acc);
                            else
                                ConvTiles.TapTile<TVec, V>(grad, pixels * L, xpad, b * C * plane, tapOffsets, ho, wo, s.StrideH * wp, s.StrideW, nv, acc);
                        }
                        for (int v = 0; v < nv; v++)
                            for (int k = 0; k < T; k++)
                                acc.Slice((v * T + k) * L, L).CopyTo(sum[((g * T + k) * width + lane + v * L)..]);
                        lane += nv * L;
                    }
                }
            });
            ArrayPool<int>.Shared.Return(offsets);
            if (xpadRented) _pool.Return(xpad);
            _pool.Return(dyT);
        }
        // Groups added in order, then into the gradients: dw [O, C·kh·kw] from the [taps, O] rows.
        for (int ig = 1; ig < imageGroups; ig++)
        {
            var into = partial.AsSpan(0, partialSize);
            System.Numerics.Tensors.TensorPrimitives.Add(into, partial.AsSpan(ig * partialSize, partialSize), into);
        }
        if (DW is not null)
            for (int o = 0; o < O; o++)
                for (int r = 0; r < taps; r++) DW[o * taps + r] += partial[r * width + o];
        if (DB is not null)
            for (int o = 0; o < O; o++) DB[o] += partial[slots * width + o];
        _pool.Return(partial);
    }

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
    /// One image's dy [O, pixels] to blocks of L channels, pixel-major: dst[((o / L)·pixels + p)·L + o % L]. Whole 8×8
    /// squares go through the register transpose, the edges one element at a time.
    /// </summary>
    private static void PixelMajor(float[] src, float[]? mask, int at, int O, int pixels, int L, float[] dst, int to)
    {
        int o8 = O & ~7, p8 = pixels & ~7;
        for (int o = 0; o < o8; o += 8)
        {
            ref float block = ref dst[to + (o / L) * pixels * L + o % L];
            for (int p = 0; p < p8; p += 8)
            {
                int row = at + o * pixels + p;
                Lanes256.StoreTransposed(ref Unsafe.Add(ref block, p * L), L,
                    Row(src, mask, row), Row(src, mask, row + pixels), Row(src, mask, row + 2 * pixels), Row(src, mask, row + 3 * pixels),
                    Row(src, mask, row + 4 * pixels), Row(src, mask, row + 5 * pixels), Row(src, mask, row + 6 * pixels), Row(src, mask, row + 7 * pixels));
            }
        }
        for (int o = 0; o < O; o++)
        {
            int from = o < o8 ? p8 : 0, d = to + (o / L) * pixels * L + o % L;
            for (int p = from; p < pixels; p++)
            {
                int i = at + o * pixels + p;
                dst[d + p * L] = mask is null || mask[i] > 0 ? src[i] : 0;
            }
        }
    }

    /// <summary>8 values of src from i, each where mask &gt; 0 (all without a mask).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Row(float[] src, float[]? mask, int i)
    {
        var v = Vector256.LoadUnsafe(ref src[i]);
        return mask is null ? v : Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.LoadUnsafe(ref mask[i]), Vector256<float>.Zero), v, Vector256<float>.Zero);
    }

    /// <summary>dst = src where mask &gt; 0, else 0: the ReLU's backward (select, as PyTorch's threshold_backward).</summary>
    private static void MaskedCopy(ReadOnlySpan<float> src, ReadOnlySpan<float> mask, Span<float> dst)
    {
        int i = 0;
        for (; i + 8 <= src.Length; i += 8)
        {
            var v = Vector256.Create(src.Slice(i, 8));
            var m = Vector256.GreaterThan(Vector256.Create(mask.Slice(i, 8)), Vector256<float>.Zero);
            Vector256.ConditionalSelect(m, v, Vector256<float>.Zero).CopyTo(dst.Slice(i, 8));
        }
        for (; i < src.Length; i++) dst[i] = mask[i] > 0 ? src[i] : 0;
    }

    /// <summary>Σ src where mask &gt; 0: 8 running lanes, then the lanes and the tail in order.</summary>
    private static float MaskedSum(ReadOnlySpan<float> src, ReadOnlySpan<float> mask)
    {
        var acc = Vector256<float>.Zero;
        int i = 0;
        for (; i + 8 <= src.Length; i += 8)
        {
            var m = Vector256.GreaterThan(Vector256.Create(mask.Slice(i, 8)), Vector256<float>.Zero);
            acc += Vector256.ConditionalSelect(m, Vector256.Create(src.Slice(i, 8)), Vector256<float>.Zero);
        }
        float sum = Vector256.Sum(acc);
        for (; i < src.Length; i++) if (mask[i] > 0) sum += src[i];
        return sum;
    }

    private static void Relu(Span<float> values) => System.Numerics.Tensors.TensorPrimitives.Max(values, 0f, values);

    /// <summary>
    /// One AVX2 pass of 6-pixel × 2-vector tiles (<see cref="ConvTiles.PixelTile6{TVec, V}"/>) over every image's
    /// [pixels] outputs, shared by the forward and the stride-1 input gradient: the source image at b·srcImage, pixel
    /// p at (p / cols)·rowStep + (p % cols)·colStep, weights in blocks [width/L, taps, L], output [B, channels,
    /// pixels] written (forward, max(·, 0) with relu) or added to (input gradient).
    /// </summary>
    private static void SixPixelPass<TVec, V>(float[] src, int srcImage, int images, int pixels, int cols, int rowStep,
        int colStep, int[] offsets, int taps, float[] weights, int width, float[]? init, float[] dst, int channels,
        bool accumulate, bool relu)
        where TVec : struct where V : ILanes<TVec>
    {
        int L = V.Count, tiles = (pixels + 5) / 6;
        Parallelism.For(images * tiles, (long)taps * width * 6, (i0, i1) =>
        {
            Span<int> at = stackalloc int[6];
            Span<float> tile = stackalloc float[2 * Tile * L];
            for (int item = i0; item < i1; item++)
            {
                int b = item / tiles, p0 = item % tiles * 6, n = Math.Min(6, pixels - p0);
                SixPixels(at, p0, n, cols, rowStep, colStep);
                for (int lane = 0; lane < width;)
                {
                    int nv = Math.Min(2, (width - lane) / L);
                    ConvTiles.PixelTile6<TVec, V>(src, b * srcImage, at, offsets.AsSpan(0, taps), taps, weights.AsSpan(lane * taps),
                        taps * L, init is null ? ReadOnlySpan<float>.Empty : init.AsSpan(lane, nv * L), nv, tile);
                    if (relu) Relu(tile[..(nv * L * Tile)]);
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
        });
    }

    /// <summary>
    /// The source offsets of pixels p0 … p0 + 5 of a [·, cols] output (rowStep, colStep apart in the source), a short
    /// tile repeating its last pixel; one division per tile.
    /// </summary>
    private static void SixPixels(Span<int> at, int p0, int n, int cols, int rowStep, int colStep)
    {
        int row = p0 / cols, col = p0 - row * cols;
        for (int t = 0; t < 6; t++)
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

    /// <summary>Vectors per tile: 16 accumulators fit AVX-512's 32 registers, 8 fit AVX2's 16.</summary>
    private static int NvMax(int lanes) => lanes == 16 ? 2 : 1;

    /// <summary>
    /// x itself when it has no padding and its array holds the slack the tiles read past the last plane (a pooled
    /// array is rounded up to its size class; what lies there only reaches the tile columns past a row's end, which
    /// are never stored), else the <see cref="Bordered(float[], in ConvShape, int)"/> copy, rented.
    /// </summary>
    private (float[] Data, bool Rented) BorderedUnlessUnpadded(float[] X, in ConvShape s, int slack) =>
        s.PadH == 0 && s.PadW == 0 && X.Length >= s.Batch * s.Channels * s.H * s.W + slack
            ? (X, false)
            : (Bordered(X, s, slack), true);

    /// <summary>x copied into zero-bordered planes [B·C, H + 2ph, W + 2pw], with slack zeros after the last.</summary>
    private float[] Bordered(float[] X, in ConvShape s, int slack) =>
        Bordered(X, null, s.Batch * s.Channels, s.H, s.W, s.PadH, s.PadW, s.H + 2 * s.PadH, s.W + 2 * s.PadW, slack);

    /// <summary>
    /// planes × [h, w] of src copied to [hp, wp] planes at row top and column left, everything else zero (only the
    /// border is written twice: no clearing pass over the whole buffer), then slack zeros. With a mask, src where
    /// mask &gt; 0, else 0.
    /// </summary>
    private float[] Bordered(float[] src, float[]? mask, int planes, int h, int w, int top, int left, int hp, int wp, int slack)
    {
        int plane = hp * wp, right = wp - left - w;
        var dst = _pool.Rent(planes * plane + slack, zeroed: false);
        dst.AsSpan(planes * plane, slack).Clear();
        Parallelism.For(planes, plane, (p0, p1) =>
        {
            if (w < NarrowRow)
            {
                NarrowPlanes(src, mask, p0, p1, h, w, top, left, hp, wp, dst);
                return;
            }
            for (int p = p0; p < p1; p++)
            {
                int at = p * plane;
                dst.AsSpan(at, top * wp + left).Clear(); // rows above, and the first row's left border
                for (int y = 0; y < h; y++)
                {
                    int row = at + (y + top) * wp + left;
                    if (mask is null) Array.Copy(src, (p * h + y) * w, dst, row, w);
                    else MaskedCopy(src.AsSpan((p * h + y) * w, w), mask.AsSpan((p * h + y) * w, w), dst.AsSpan(row, w));
                    // this row's right border and the next row's left one (or the rows below, after the last)
                    int gap = y + 1 < h ? right + left : right + (hp - top - h) * wp;
                    dst.AsSpan(row + w, gap).Clear();
                }
                if (h == 0) dst.AsSpan(at, plane).Clear();
            }
        });
        return dst;
    }

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

    /// <summary>
    /// Rows narrower than this (the stride-2 input gradient's dy of 6×6 and 2×2 pixels) are bordered by one clear
    /// of all the planes and then element copies: a span copy and clear per row cost more than the row.
    /// </summary>
    private const int NarrowRow = 16;

    /// <summary>Planes p0 … p1 − 1 of the bordered copy, for rows narrower than <see cref="NarrowRow"/>.</summary>
    private static void NarrowPlanes(float[] src, float[]? mask, int p0, int p1, int h, int w, int top, int left,
        int hp, int wp, float[] dst)
    {
        int plane = hp * wp;
        dst.AsSpan(p0 * plane, (p1 - p0) * plane).Clear();
        if (p1 <= p0 || h == 0 || w == 0) return;
        // The last element read and written are in range, so the loop runs without bounds checks.
        _ = src[p1 * h * w - 1];
        _ = dst[(p1 - 1) * plane + (top + h - 1) * wp + left + w - 1];
        if (mask is not null) _ = mask[p1 * h * w - 1];
        ref float s = ref src[0], d = ref dst[0];
        for (int p = p0; p < p1; p++)
            for (int y = 0; y < h; y++)
            {
                int from = (p * h + y) * w, to = p * plane + (top + y) * wp + left;
                if (mask is null)
                    for (int x = 0; x < w; x++) Unsafe.Add(ref d, to + x) = Unsafe.Add(ref s, from + x);
                else
                    for (int x = 0; x < w; x++)
                        Unsafe.Add(ref d, to + x) = mask[from + x] > 0 ? Unsafe.Add(ref s, from + x) : 0f;
            }
    }

    private static int RoundUp(int n, int multiple) => (n + multiple - 1) / multiple * multiple;

    private static int Mod(int a, int m) => ((a % m) + m) % m;
}
