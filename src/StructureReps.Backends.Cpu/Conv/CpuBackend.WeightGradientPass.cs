using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using StructureReps.Backends.Cpu.Conv;
using StructureReps.Core.Backends;
using StructureReps.Core.Memory;

namespace StructureReps.Backends.Cpu;

public sealed partial class CpuBackend
{
    /// <summary>
    /// dw and dbias, one group of <see cref="ImagesPerGroup"/> images at a time: the group's dy goes pixel-major in
    /// blocks of L channels (masked by the fused ReLU's output) and its x into bordered planes (unless unpadded),
    /// then tap tiles (8 taps × 2 vectors on AVX-512, 6 × 2 on AVX2: 12 accumulators in its 16 registers, twice
    /// the speed of 8 × 1) sum over the group's pixels into the group's own partial [taps, O] rows and bias row.
    /// <see cref="Finish"/> adds the groups in order: the same bits whichever thread ran which group.
    /// </summary>
    private sealed class WeightGradientPass<TVec, V> where TVec : struct where V : ILanes<TVec>
    {
        private readonly SizeClassPool<float> _pool;
        private readonly ConvShape _s;
        private readonly int _o, _width, _taps, _tapsPerTile, _tileGroups, _slots, _partialSize, _hp, _wp, _plane;
        private readonly float[] _partial;              // [image groups][taps padded to tiles, O padded] + bias row
        private readonly float[]? _dyT, _xpad;           // dy pixel-major [B, O/L, Ho·Wo, L]; x bordered (or x itself)
        private readonly bool _xInPlace, _weights, _bias;
        private readonly int[] _offsets;                // tap (c, ki, kj) → offset in a bordered x image
        private readonly int[]? _rowOffsets;            // row-tap tiles: kernel row (c, ki) → offset, spares repeated

        public WeightGradientPass(SizeClassPool<float> pool, float[]? X, in ConvShape s, int O, bool weights, bool bias)
        {
            _pool = pool;
            _s = s;
            _o = O;
            _weights = weights;
            _bias = bias;
            int L = V.Count, C = s.Channels, pixels = s.OutH * s.OutW;
            _width = RoundUp(O, L);
            _taps = s.ColRows;
            _hp = s.H + 2 * s.PadH;
            _wp = s.W + 2 * s.PadW;
            _plane = _hp * _wp;
            // AVX-512 with one vector of output channels and a 3-wide kernel at step 1 or 2: ConvRowTiles' 5 kernel
            // rows × 3 taps per tile (15 accumulators; the general tile has 8 at one vector).
            bool rowTaps = L == 16 && _width == L && weights && RowTapKernel(s);
            _tapsPerTile = rowTaps ? ConvRowTiles.TapRows * ConvRowTiles.KernelWidth : L == 16 ? ConvTiles.Taps : 6;
            _tileGroups = (_taps + _tapsPerTile - 1) / _tapsPerTile;
            _slots = _tileGroups * _tapsPerTile;
            _partialSize = _slots * _width + _width;
            int imageGroups = (s.Batch + ImagesPerGroup - 1) / ImagesPerGroup;
            _partial = pool.Rent(imageGroups * _partialSize, zeroed: true);
            _offsets = ArrayPool<int>.Shared.Rent(_slots);
            if (!weights) return;
            _dyT = pool.Rent(s.Batch * pixels * _width, zeroed: _width != O);
            _xInPlace = s.PadH == 0 && s.PadW == 0;
            _xpad = _xInPlace ? X : pool.Rent(s.Batch * C * _plane, zeroed: false);
            for (int c = 0, r = 0; c < C; c++)
                for (int ki = 0; ki < s.KernelH; ki++)
                    for (int kj = 0; kj < s.KernelW; kj++) _offsets[r++] = c * _plane + ki * _wp + kj;
            // the last tile's spare taps repeat its last one; their sums are discarded
            for (int r = _taps; r < _slots; r++) _offsets[r] = _offsets[_taps - 1];
            if (rowTaps)
                _rowOffsets = KernelRowOffsets(_offsets.AsSpan(0, _taps), s.KernelW,
                    _tileGroups * ConvRowTiles.TapRows);
        }

        /// <summary>Multiply-adds of one image, the parallel split's cost.</summary>
        public long CostPerImage => (long)_s.OutH * _s.OutW * (_weights ? _slots * _width : _o);

        /// <summary>Image group ig (images b0 … b1 − 1) into its partial rows.</summary>
        public void Run(float[] DY, float[]? mask, float[] X, int ig, int b0, int b1)
        {
            var s = _s;
            int O = _o, L = V.Count, C = s.Channels, pixels = s.OutH * s.OutW, blocks = _width / L;
            var sum = _partial.AsSpan(ig * _partialSize, _partialSize);
            if (_bias && !_weights)
                for (int b = b0; b < b1; b++)
                    for (int o = 0; o < O; o++)
                        sum[_slots * _width + o] += ConvCopies.Sum(DY.AsSpan((b * O + o) * pixels, pixels),
                            mask is null ? default : mask.AsSpan((b * O + o) * pixels, pixels));
            if (!_weights) return;
            var dyT = _dyT!;
            var xpad = _xpad!;
            for (int b = b0; b < b1; b++)
            {
                ConvCopies.PixelMajor(DY, mask, b * O * pixels, O, pixels, L, dyT, b * blocks * pixels * L);
                if (_bias) BiasSums(dyT, b * blocks * pixels * L, blocks, pixels, sum[(_slots * _width)..]);
            }
            if (!_xInPlace) ConvCopies.BorderPlanes(X, null, b0 * C, b1 * C, s.H, s.W, s.PadH, s.PadW, _hp, _wp, xpad);
            int T = _tapsPerTile;
            const int nvMax = 2; // 8 × 2 or 6 × 2 accumulators (15 × 1 in the row-tap tiles)
            Span<float> acc = stackalloc float[Math.Max(2 * ConvTiles.Taps, T) * L];
            for (int g = 0; g < _tileGroups; g++)
            {
                var tapOffsets = _offsets.AsSpan(g * T, T);
                for (int lane = 0; lane < _width;)
                {
                    int nv = Math.Min(nvMax, (_width - lane) / L);
                    acc.Clear();
                    for (int b = b0; b < b1; b++)
                    {
                        var grad = dyT.AsSpan((b * blocks + lane / L) * pixels * L);
                        if (_rowOffsets is not null)
                            RowTapTile(s.StrideW, grad, xpad, b * C * _plane,
                                _rowOffsets.AsSpan(g * ConvRowTiles.TapRows, ConvRowTiles.TapRows), s.OutH, s.OutW,
                                s.StrideH * _wp, acc);
                        else if (T == 6)
                            ConvTiles.TapTile6<TVec, V>(grad, pixels * L, xpad, b * C * _plane, tapOffsets, s.OutH, s.OutW,
                                s.StrideH * _wp, s.StrideW, nv, acc);
                        else
                            ConvTiles.TapTile<TVec, V>(grad, pixels * L, xpad, b * C * _plane, tapOffsets, s.OutH, s.OutW,
                                s.StrideH * _wp, s.StrideW, nv, acc);
                    }
                    for (int v = 0; v < nv; v++)
                        for (int k = 0; k < T; k++)
                            acc.Slice((v * T + k) * L, L).CopyTo(sum[((g * T + k) * _width + lane + v * L)..]);
                    lane += nv * L;
                }
            }
        }

        private static void RowTapTile(int step, ReadOnlySpan<float> grad, float[] src, int srcBase,
            ReadOnlySpan<int> rowOffsets, int rows, int cols, int rowStep, Span<float> acc)
        {
            if (step == 1)
                ConvRowTiles.RowTapTile<TVec, V, Step1>(grad, src, srcBase, rowOffsets, rows, cols, rowStep, acc);
            else
                ConvRowTiles.RowTapTile<TVec, V, Step2>(grad, src, srcBase, rowOffsets, rows, cols, rowStep, acc);
        }

        /// <summary>
        /// One image's Σ over pixels of its pixel-major dy (masked already), added to the bias row: whole vectors of
        /// channels, while the image's block is still in cache; two running sums (even and odd pixels) for the adds'
        /// latency. The padded channels are zeros.
        /// </summary>
        private static void BiasSums(float[] dyT, int at, int blocks, int pixels, Span<float> biasRow)
        {
            int L = V.Count;
            for (int k = 0; k < blocks; k++)
            {
                ref float g = ref dyT[at + k * pixels * L];
                TVec even = V.Zero, odd = V.Zero;
                int p = 0;
                for (; p + 1 < pixels; p += 2)
                {
                    even = V.Add(even, V.Load(in Unsafe.Add(ref g, (nint)p * L)));
                    odd = V.Add(odd, V.Load(in Unsafe.Add(ref g, (nint)(p + 1) * L)));
                }
                if (p < pixels) even = V.Add(even, V.Load(in Unsafe.Add(ref g, (nint)p * L)));
                ref float row = ref biasRow[k * L];
                V.Store(V.Add(V.Load(in row), V.Add(even, odd)), ref row);
            }
        }

        /// <summary>The groups added in order, then into dw [O, C·kh·kw] (from the [taps, O] rows) and dbias.</summary>
        public void Finish(float[]? DW, float[]? DB)
        {
            int O = _o, imageGroups = (_s.Batch + ImagesPerGroup - 1) / ImagesPerGroup;
            var into = _partial.AsSpan(0, _partialSize);
            for (int ig = 1; ig < imageGroups; ig++)
                TensorPrimitives.Add(into, _partial.AsSpan(ig * _partialSize, _partialSize), into);
            if (DW is not null)
                for (int o = 0; o < O; o++)
                    for (int r = 0; r < _taps; r++) DW[o * _taps + r] += _partial[r * _width + o];
            if (DB is not null)
                for (int o = 0; o < O; o++) DB[o] += _partial[_slots * _width + o];
            ArrayPool<int>.Shared.Return(_offsets);
            if (_dyT is not null) _pool.Return(_dyT);
            if (_xpad is not null && !_xInPlace) _pool.Return(_xpad);
            _pool.Return(_partial);
        }
    }
}
