using System.Buffers;
using System.Runtime.CompilerServices;
using StructureReps.Backends.Cpu.Conv;
using StructureReps.Core.Backends;
using StructureReps.Core.Memory;

namespace StructureReps.Backends.Cpu;

public sealed partial class CpuBackend
{
    /// <summary>
    /// dx += the input gradient, one range of images at a time: dy bordered with zeros (masked by the fused ReLU's
    /// output), then pixel tiles over it with the flipped weight, lanes over input channels (two rows per tile on
    /// AVX-512 with 16 input channels at stride 1).
    /// Input pixels fall into classes by (row, column) modulo the stride; a class's pixels are reached only by the
    /// taps whose dy pixel (iy + p − ki) / s is whole (a quarter of them at stride 2), and consecutive pixels of a
    /// class read consecutive dy pixels. So dx is a stride-1 correlation per class over dy itself, bordered wide
    /// enough for every tap's reach (k − 1 − p at stride 1), with that class's taps: no dilated copy of dy.
    /// </summary>
    private sealed class InputGradientPass<TVec, V> where TVec : struct where V : ILanes<TVec>
    {
        private readonly SizeClassPool<float> _pool;
        private readonly ConvShape _s;
        private readonly int _o, _width, _taps, _hd, _wd, _plane;
        private readonly (int Before, int Extent) _rowReach, _colReach;
        private readonly float[] _weights, _bordered; // [classes, C/L blocks, taps of the class, L]; dy bordered
        private readonly int[] _offsets, _counts;     // [classes, taps]: each class's taps into a bordered dy image
        private readonly int[]? _rowOffsets;          // stride 1, 3-wide: each kernel row's first tap (ConvRowTiles)
        private readonly bool _sixPixel, _twoRows;

        public InputGradientPass(SizeClassPool<float> pool, float[] W, in ConvShape s, int O)
        {
            _pool = pool;
            _s = s;
            _o = O;
            int L = V.Count, C = s.Channels, kh = s.KernelH, kw = s.KernelW, sh = s.StrideH, sw = s.StrideW;
            int classes = sh * sw;
            _width = RoundUp(C, L);
            _taps = O * kh * kw;
            _rowReach = Reach(s.H, sh, s.PadH, kh, s.OutH);
            _colReach = Reach(s.W, sw, s.PadW, kw, s.OutW);
            _hd = _rowReach.Before + _rowReach.Extent;
            _wd = _colReach.Before + _colReach.Extent;
            _plane = _hd * _wd;
            int slack = Tile + 16;
            _bordered = pool.Rent(s.Batch * O * _plane + slack, zeroed: false);
            _bordered.AsSpan(s.Batch * O * _plane, slack).Clear();
            // Only padded channel lanes (C not a whole number of vectors) are read without being written below.
            _weights = pool.Rent(classes * _taps * _width, zeroed: _width != C);
            _offsets = ArrayPool<int>.Shared.Rent(classes * _taps);
            _counts = new int[classes];
            for (int ry = 0; ry < sh; ry++)
                for (int rx = 0; rx < sw; rx++)
                {
                    // The class's taps are the (o, ki, kj) whose ki and kj each reach whole dy pixels: counted first,
                    // since the weight layout [C/L blocks, n taps, L] needs n.
                    int rowsReached = 0, colsReached = 0;
                    for (int ki = 0; ki < kh; ki++) if (Mod(ry + s.PadH - ki, sh) == 0) rowsReached++;
                    for (int kj = 0; kj < kw; kj++) if (Mod(rx + s.PadW - kj, sw) == 0) colsReached++;
                    int cls = ry * sw + rx, n = O * rowsReached * colsReached, k = 0;
                    _counts[cls] = n;
                    if (n == 0) continue;
                    ref float classWeights = ref _weights[cls * _taps * _width];
                    for (int o = 0; o < O; o++)
                        for (int ki = 0; ki < kh; ki++)
                        {
                            if (Mod(ry + s.PadH - ki, sh) != 0) continue;
                            int dyRow = (ry + s.PadH - ki) / sh + _rowReach.Before;
                            // kj downwards, so a row's taps read dy at ascending offsets (the row-tap tiles' order)
                            for (int kj = kw - 1; kj >= 0; kj--)
                            {
                                if (Mod(rx + s.PadW - kj, sw) != 0) continue;
                                int dyCol = (rx + s.PadW - kj) / sw + _colReach.Before;
                                // the offset into a bordered dy image, and the tap's weights in the same order
                                _offsets[cls * _taps + k] = o * _plane + dyRow * _wd + dyCol;
                                for (int c0 = 0; c0 < C; c0 += L)
                                {
                                    ref float lanes = ref Unsafe.Add(ref classWeights, ((c0 / L) * n + k) * L);
                                    for (int c = c0; c < Math.Min(C, c0 + L); c++)
                                        Unsafe.Add(ref lanes, c - c0) = W[((o * C + c) * kh + ki) * kw + kj];
                                }
                                k++;
                            }
                        }
                }
            _sixPixel = L == 8 && _width >= 16 && classes == 1 && SixPixelTiles;
            _twoRows = L == 16 && C == L && classes == 1 && s.W % Tile == 0 && TwoRowTiles;
            if (classes == 1 && RowTapTiles(s, s.W))
                _rowOffsets = KernelRowOffsets(_offsets.AsSpan(0, _taps), kw, O * kh);
        }

        /// <summary>Multiply-adds of one image, the parallel split's cost.</summary>
        public long CostPerImage => (long)(_s.H * _s.W + Tile * _s.H) * _taps * _width / (_s.StrideH * _s.StrideW);

        /// <summary>Images b0 … b1 − 1: border their dy planes, then add their tiles into dx.</summary>
        public void Run(float[] DY, float[]? mask, float[] DX, int b0, int b1)
        {
            var s = _s;
            int O = _o, C = s.Channels, sh = s.StrideH, sw = s.StrideW, L = V.Count;
            ConvCopies.BorderPlanes(DY, mask, b0 * O, b1 * O, s.OutH, s.OutW, _rowReach.Before, _colReach.Before, _hd, _wd,
                _bordered);
            if (_sixPixel)
            {
                // AVX2, stride 1: 6 input pixels × 2 vectors of input channels per tile, running on across rows.
                SixPixelImages<TVec, V>(b0, b1, _bordered, O * _plane, s.H * s.W, s.W, _wd, 1, _offsets, _taps, _weights,
                    _width, null, DX, C, accumulate: true, relu: false);
                return;
            }
            int nvMax = NvMax(L);
            Span<float> tile = stackalloc float[2 * Tile * L];
            if (_twoRows)
            {
                // AVX-512, stride 1, 16 input channels, rows of whole tiles: two dx rows per tile, added to dx (dx
                // accumulates): in registers by the row-tap tile, else from the general tile's buffer.
                for (int b = b0; b < b1; b++)
                    for (int iy = 0; iy < s.H; iy += 2)
                        for (int ix0 = 0; ix0 < s.W; ix0 += Tile)
                        {
                            int srcBase = b * O * _plane + iy * _wd + ix0, at = (b * C * s.H + iy) * s.W + ix0;
                            bool pair = iy + 1 < s.H;
                            var none = ReadOnlySpan<float>.Empty;
                            if (pair && _rowOffsets is not null)
                            {
                                // straight into dx, added in registers after the transpose
                                ConvRowTiles.RowTile8x2<TVec, V, Step1>(_bordered, srcBase, _wd, _rowOffsets, _weights,
                                    none, ref DX[at], s.H * s.W, s.W, relu: false, add: true);
                                continue;
                            }
                            if (pair)
                                ConvTiles.PixelTile8x2<TVec, V>(_bordered, srcBase, Consecutive, _wd, _offsets, _taps,
                                    _weights, none, ref tile[0], Tile, L * Tile, relu: false);
                            else
                                ConvTiles.PixelTile8<TVec, V>(_bordered, srcBase, Consecutive, _offsets, _taps, _weights,
                                    _taps * L, none, 1, ref tile[0], Tile);
                            for (int c = 0; c < C; c++)
                            {
                                StoreRow(tile, c, DX, at + c * s.H * s.W, Tile, accumulate: true);
                                if (pair) StoreRow(tile, L + c, DX, at + c * s.H * s.W + s.W, Tile, accumulate: true);
                            }
                        }
                return;
            }
            for (int b = b0; b < b1; b++)
                for (int iy = 0; iy < s.H; iy++)
                    for (int rx = 0; rx < sw && rx < s.W; rx++)
                    {
                        int cls = (iy % sh) * sw + rx, n = _counts[cls];
                        if (n == 0) continue;
                        var tapOffsets = _offsets.AsSpan(cls * _taps, n);
                        int columns = (s.W - rx + sw - 1) / sw; // pixels rx, rx + sw, … of this row
                        for (int t0 = 0; t0 < columns; t0 += Tile)
                        {
                            int valid = Math.Min(Tile, columns - t0), ix0 = rx + t0 * sw;
                            int srcBase = b * O * _plane + (iy / sh) * _wd + t0;
                            for (int lane = 0; lane < _width;)
                            {
                                int nv = Math.Min(nvMax, (_width - lane) / L);
                                // A row-tap tile of whole channel vectors adds its registers straight into dx; the
                                // rest go through the tile buffer.
                                bool direct = _rowOffsets is not null && lane + nv * L <= C;
                                if (_rowOffsets is not null)
                                {
                                    ref float dst = ref direct ? ref DX[((b * C + lane) * s.H + iy) * s.W + ix0]
                                        : ref tile[0];
                                    ConvRowTiles.RowTile8<TVec, V, Step1>(_bordered, srcBase, _rowOffsets,
                                        _weights.AsSpan(lane * n), n * L, ReadOnlySpan<float>.Empty, nv, ref dst,
                                        direct ? s.H * s.W : Tile, relu: false, add: direct);
                                }
                                else
                                    ConvTiles.PixelTile8<TVec, V>(_bordered, srcBase, Consecutive, tapOffsets, n,
                                        _weights.AsSpan(cls * _taps * _width + lane * n), n * L,
                                        ReadOnlySpan<float>.Empty, nv, ref tile[0], Tile);
                                if (!direct)
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

        public void Return()
        {
            ArrayPool<int>.Shared.Return(_offsets);
            _pool.Return(_weights);
            _pool.Return(_bordered);
        }
    }
}
