using StructureReps.Core;

namespace StructureReps.Tests.Support;

/// <summary>
/// The op table every engine test draws from. Sizes cover 0, 1, odd and SIMD-unaligned lengths; cases marked
/// GradCheck = false are too large for central differences and run in conformance only (they cross the CPU
/// backend's threading thresholds).
/// </summary>
public static class OpCases
{
    public static readonly IReadOnlyDictionary<string, OpCase> All = Build().ToDictionary(c => c.Name);

    public static IEnumerable<object[]> GradCheckNames => All.Values.Where(c => c.GradCheck).Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> AllNames => All.Keys.Select(n => new object[] { n });

    public static IEnumerable<object[]> ConvNames => All.Keys.Where(n => n.StartsWith("Conv2d", StringComparison.Ordinal)).Select(n => new object[] { n });

    private static InputSpec In(int[] shape, Sampler kind = Sampler.Uniform, bool diff = true) => new(shape, kind, diff);

    private static IEnumerable<OpCase> Build()
    {
        int[] smallLengths = [0, 1, 7, 33];
        int[] largeLengths = [1003, 70001];

        // ---- elementwise unary
        var unary = new (string Name, Sampler Kind, Func<Tensor, Tensor> F)[]
        {
            ("Relu", Sampler.AwayFromZero, Ops.Relu),
            ("LeakyRelu", Sampler.AwayFromZero, x => Ops.LeakyRelu(x, 0.2f)),
            ("Elu", Sampler.AwayFromZero, x => Ops.Elu(x, 1.3f)),
            ("Tanh", Sampler.Uniform, Ops.Tanh),
            ("Sigmoid", Sampler.Uniform, Ops.Sigmoid),
            ("Exp", Sampler.Uniform, Ops.Exp),
            ("Log", Sampler.Positive, Ops.Log),
            ("Softplus", Sampler.Uniform, Ops.Softplus),
            ("Silu", Sampler.Uniform, Ops.Silu),
            ("Sqrt", Sampler.Positive, Ops.Sqrt),
            ("Scale", Sampler.Uniform, x => Ops.Scale(x, -1.7f)),
            ("AddScalar", Sampler.Uniform, x => Ops.AddScalar(x, 0.3f)),
            ("Square", Sampler.Uniform, Ops.Square),
            ("ClampMax", Sampler.AwayFromZero, x => Ops.ClampMax(x, 0f)),
        };
        foreach (var (name, kind, f) in unary)
        {
            foreach (int n in smallLengths) yield return new($"{name}[n={n}]", [In([n], kind)], t => f(t[0]));
            foreach (int n in largeLengths) yield return new($"{name}[n={n}]", [In([n], kind)], t => f(t[0]), GradCheck: false);
        }
        yield return new("Softplus[wide]", [In([41], Sampler.Wide)], t => Ops.Softplus(t[0]));
        yield return new("Sigmoid[wide]", [In([41], Sampler.Wide)], t => Ops.Sigmoid(t[0]));

        // ---- elementwise binary with broadcasting
        var binary = new (string Name, Sampler Right, Func<Tensor, Tensor, Tensor> F)[]
        {
            ("Add", Sampler.Uniform, Ops.Add), ("Sub", Sampler.Uniform, Ops.Sub),
            ("Mul", Sampler.Uniform, Ops.Mul), ("Div", Sampler.Positive, Ops.Div),
        };
        int[][][] shapePairs =
        [
            [[3, 5], [3, 5]], [[3, 5], [5]], [[3, 1], [1, 4]], [[2, 3, 4], [3, 1]], [[], [4, 3]], [[4, 3], []],
            [[1], [1]], [[0], [0]], [[17], [17]], [[2, 1, 5], [2, 3, 1]],
        ];
        foreach (var (name, right, f) in binary)
        {
            foreach (var pair in shapePairs)
                yield return new($"{name}[{Shapes.Format(pair[0])}∘{Shapes.Format(pair[1])}]", [In(pair[0]), In(pair[1], right)], t => f(t[0], t[1]));
            yield return new($"{name}[1003∘1003]", [In([1003]), In([1003], right)], t => f(t[0], t[1]), GradCheck: false);
            yield return new($"{name}[300,257∘257]", [In([300, 257]), In([257], right)], t => f(t[0], t[1]), GradCheck: false);
        }
        yield return new("BiasAdd[4,5]", [In([4, 5]), In([5])], t => Ops.BiasAdd(t[0], t[1]));
        yield return new("BiasAdd[2,3,4,4]", [In([2, 3, 4, 4]), In([3])], t => Ops.BiasAdd(t[0], t[1], 1));

        // ---- matrix products
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                int[] Sa(int m, int k) => ta ? [k, m] : [m, k];
                int[] Sb(int k, int n) => tb ? [n, k] : [k, n];
                string tag = $"{(ta ? "T" : "N")}{(tb ? "T" : "N")}";
                yield return new($"MatMul{tag}[3x4x5]", [In(Sa(3, 4)), In(Sb(4, 5))], t => Ops.MatMul(t[0], t[1], ta, tb));
                yield return new($"MatMul{tag}[1x1x1]", [In(Sa(1, 1)), In(Sb(1, 1))], t => Ops.MatMul(t[0], t[1], ta, tb));
                yield return new($"MatMul{tag}[9x13x7]", [In(Sa(9, 13)), In(Sb(13, 7))], t => Ops.MatMul(t[0], t[1], ta, tb));
                yield return new($"MatMul{tag}[130x300x70]", [In(Sa(130, 300)), In(Sb(300, 70))], t => Ops.MatMul(t[0], t[1], ta, tb), GradCheck: false);
                yield return new($"BatchedMatMul{tag}[2x3x4x5]", [In([2, .. Sa(3, 4)]), In([2, .. Sb(4, 5)])], t => Ops.BatchedMatMul(t[0], t[1], ta, tb));
            }
        yield return new("MatMul[0x3x2]", [In([0, 3]), In([3, 2])], t => Ops.MatMul(t[0], t[1]));
        yield return new("MatMul[2x0x3]", [In([2, 0]), In([0, 3])], t => Ops.MatMul(t[0], t[1]));
        yield return new("MatMul[33x65x17]", [In([33, 65]), In([65, 17])], t => Ops.MatMul(t[0], t[1]), GradCheck: false);
        yield return new("BatchedMatMul[6x40x50x45]", [In([6, 40, 50]), In([6, 50, 45])], t => Ops.BatchedMatMul(t[0], t[1]), GradCheck: false);
        yield return new("Linear[2,3,4→5]", [In([2, 3, 4]), In([5, 4]), In([5])], t => Ops.Linear(t[0], t[1], t[2]));
        yield return new("Linear[6,4→3,nobias]", [In([6, 4]), In([3, 4])], t => Ops.Linear(t[0], t[1]));

        // ---- reductions
        foreach (int axis in new[] { 0, 1, 2 })
        {
            yield return new($"Sum[3,4,5;axis={axis}]", [In([3, 4, 5])], t => Ops.Sum(t[0], axis));
            yield return new($"Mean[3,4,5;axis={axis}]", [In([3, 4, 5])], t => Ops.Mean(t[0], axis));
            yield return new($"Max[3,4,5;axis={axis}]", [In([3, 4, 5])], t => Ops.Max(t[0], axis));
        }
        yield return new("Sum[7;axis=0]", [In([7])], t => Ops.Sum(t[0], 0));
        yield return new("Max[1;axis=0]", [In([1])], t => Ops.Max(t[0], 0));
        yield return new("Mean[2,3;axis=1,keep]", [In([2, 3])], t => Ops.Mean(t[0], 1, keepDim: true));
        yield return new("Max[2,3;axis=-1,keep]", [In([2, 3])], t => Ops.Max(t[0], -1, keepDim: true));
        yield return new("SumAll[4,3]", [In([4, 3])], t => Ops.SumAll(t[0]));
        yield return new("MeanAll[4,3]", [In([4, 3])], t => Ops.MeanAll(t[0]));
        yield return new("Sum[300,257;axis=1]", [In([300, 257])], t => Ops.Sum(t[0], 1), GradCheck: false);
        yield return new("Max[300,257;axis=0]", [In([300, 257])], t => Ops.Max(t[0], 0), GradCheck: false);
        yield return new("MeanAll[70001]", [In([70001])], t => Ops.MeanAll(t[0]), GradCheck: false);

        // ---- shape ops
        yield return new("Reshape[2,6→3,4]", [In([2, 6])], t => Ops.Mul(Ops.Reshape(t[0], [3, 4]), Ops.Reshape(t[0], [3, -1])));
        yield return new("Permute[2,3,4;(2,0,1)]", [In([2, 3, 4])], t => Ops.Permute(t[0], 2, 0, 1));
        yield return new("Transpose[5,7]", [In([5, 7])], t => Ops.Transpose(t[0]));
        yield return new("Transpose[300,257]", [In([300, 257])], t => Ops.Transpose(t[0]), GradCheck: false);
        yield return new("Concat[2,3|2,4;axis=1]", [In([2, 3]), In([2, 4])], t => Ops.Concat([t[0], t[1]], 1));
        yield return new("Concat[2,3|1,3|0,3;axis=0]", [In([2, 3]), In([1, 3]), In([0, 3])], t => Ops.Concat([t[0], t[1], t[2]], 0));
        yield return new("Slice[4,6;axis=1,2..5]", [In([4, 6])], t => Ops.Slice(t[0], 1, 2, 3));
        yield return new("Slice[5,3;axis=0,4..5]", [In([5, 3])], t => Ops.Slice(t[0], 0, 4, 1));
        yield return new("Dropout[6,7;p=0.3]", [In([6, 7])], t => Ops.Dropout(t[0], 0.3f, new Rng(7), training: true));

        // ---- losses
        yield return new("LogSoftmax[4,7]", [In([4, 7])], t => Ops.LogSoftmax(t[0]));
        yield return new("LogSoftmax[1,1]", [In([1, 1])], t => Ops.LogSoftmax(t[0]));
        yield return new("LogSoftmax[300,10]", [In([300, 10])], t => Ops.LogSoftmax(t[0]), GradCheck: false);
        var labels = new IndexTensor([3, 0, 1, 3, 2]);
        yield return new("CrossEntropy[5,4]", [In([5, 4])], t => Ops.CrossEntropy(t[0], labels));
        yield return new("Mse[3,4]", [In([3, 4]), In([3, 4])], t => Ops.Mse(t[0], t[1]));
        yield return new("BceWithLogits[3,4]", [In([3, 4], Sampler.Wide), In([3, 4], Sampler.Probability)], t => Ops.BceWithLogits(t[0], t[1]));

        // ---- convolution and pooling
        yield return new("Conv2d[2,3,5,5;3x3,s1,p1]", [In([2, 3, 5, 5]), In([4, 3, 3, 3]), In([4])], t => Ops.Conv2d(t[0], t[1], t[2], 1, 1));
        yield return new("Conv2d[1,2,7,6;3x3,s2,p0]", [In([1, 2, 7, 6]), In([3, 2, 3, 3])], t => Ops.Conv2d(t[0], t[1], null, 2, 0));
        yield return new("Conv2d[2,3,4,4;1x1]", [In([2, 3, 4, 4]), In([2, 3, 1, 1]), In([2])], t => Ops.Conv2d(t[0], t[1], t[2]));
        yield return new("Conv2d[1,2,6,6;5x5,p2]", [In([1, 2, 6, 6]), In([2, 2, 5, 5])], t => Ops.Conv2d(t[0], t[1], null, 1, 2));
        // Odd shapes: widths that are not multiples of 8 or 16, output channels that are not multiples of 4,
        // one input channel, batch 1.
        yield return new("Conv2d[1,1,3,37;3x3,p1,O5]", [In([1, 1, 3, 37]), In([5, 1, 3, 3]), In([5])], t => Ops.Conv2d(t[0], t[1], t[2], 1, 1));
        yield return new("Conv2d[3,5,9,20;5x5,p1,O6]", [In([3, 5, 9, 20]), In([6, 5, 5, 5]), In([6])], t => Ops.Conv2d(t[0], t[1], t[2], 1, 1), GradCheck: false);
        yield return new("Conv2d[2,3,6,9;3x3,p0,O2]", [In([2, 3, 6, 9]), In([2, 3, 3, 3])], t => Ops.Conv2d(t[0], t[1], null, 1, 0));
        yield return new("Conv2d[4,16,32,32;3x3,p1]", [In([4, 16, 32, 32]), In([16, 16, 3, 3]), In([16])], t => Ops.Conv2d(t[0], t[1], t[2], 1, 1), GradCheck: false);
        // The zoos' layers (batch 2) and the direct kernels' edges: O = 8 and 24 (part of a lane block), C = 64
        // (several input-channel blocks in the input gradient), 5×5 stride 2, stride 3 with a 2×2 kernel (residue
        // classes of the input gradient with no taps at all), one input channel with stride 2 and no padding.
        yield return new("Conv2d[2,3,32,32;3x3,p1,O16] cifar-1", [In([2, 3, 32, 32]), In([16, 3, 3, 3]), In([16])], t => Ops.Conv2d(t[0], t[1], t[2], 1, 1), GradCheck: false);
        yield return new("Conv2d[2,16,16,16;3x3,p1,O32] cifar-2", [In([2, 16, 16, 16]), In([32, 16, 3, 3]), In([32])], t => Ops.Conv2d(t[0], t[1], t[2], 1, 1), GradCheck: false);
        yield return new("Conv2d[2,32,8,8;3x3,p1,O32] cifar-3", [In([2, 32, 8, 8]), In([32, 32, 3, 3]), In([32])], t => Ops.Conv2d(t[0], t[1], t[2], 1, 1), GradCheck: false);
        yield return new("Conv2d[2,1,28,28;3x3,s2,O16] fashion-1", [In([2, 1, 28, 28]), In([16, 1, 3, 3]), In([16])], t => Ops.Conv2d(t[0], t[1], t[2], 2, 0), GradCheck: false);
        yield return new("Conv2d[2,16,13,13;3x3,s2,O16] fashion-2", [In([2, 16, 13, 13]), In([16, 16, 3, 3]), In([16])], t => Ops.Conv2d(t[0], t[1], t[2], 2, 0), GradCheck: false);
        yield return new("Conv2d[1,16,6,6;3x3,s2,O16] fashion-3", [In([1, 16, 6, 6]), In([16, 16, 3, 3]), In([16])], t => Ops.Conv2d(t[0], t[1], t[2], 2, 0));
        yield return new("Conv2d[1,64,5,5;3x3,p1,O8]", [In([1, 64, 5, 5]), In([8, 64, 3, 3]), In([8])], t => Ops.Conv2d(t[0], t[1], t[2], 1, 1), GradCheck: false);
        yield return new("Conv2d[2,5,11,9;5x5,s2,p2,O24]", [In([2, 5, 11, 9]), In([24, 5, 5, 5]), In([24])], t => Ops.Conv2d(t[0], t[1], t[2], 2, 2), GradCheck: false);
        yield return new("Conv2d[1,2,9,10;2x2,s3,p1,O3]", [In([1, 2, 9, 10]), In([3, 2, 2, 2]), In([3])], t => Ops.Conv2d(t[0], t[1], t[2], 3, 1));
        yield return new("Conv2d[1,1,7,9;3x3,s2,O1]", [In([1, 1, 7, 9]), In([1, 1, 3, 3])], t => Ops.Conv2d(t[0], t[1], null, 2, 0));
        // Stride 2 with padding 1 on odd sizes, and a 1×1 kernel at stride 2 (input pixels no tap reaches: zero gradient).
        yield return new("Conv2d[2,4,10,7;3x3,s2,p1,O16]", [In([2, 4, 10, 7]), In([16, 4, 3, 3]), In([16])], t => Ops.Conv2d(t[0], t[1], t[2], 2, 1));
        yield return new("Conv2d[1,3,8,7;1x1,s2,O5]", [In([1, 3, 8, 7]), In([5, 3, 1, 1]), In([5])], t => Ops.Conv2d(t[0], t[1], t[2], 2, 0));
        // The fused Conv2d + ReLU (zoo CNN layers): small ones for the gradient check, zoo shapes, stride 2, O = 24.
        yield return new("Conv2dRelu[2,3,5,5;3x3,p1,O4]", [In([2, 3, 5, 5]), In([4, 3, 3, 3]), In([4])], t => Ops.Conv2dRelu(t[0], t[1], t[2], 1, 1));
        yield return new("Conv2dRelu[1,2,7,6;3x3,s2,O3]", [In([1, 2, 7, 6]), In([3, 2, 3, 3]), In([3])], t => Ops.Conv2dRelu(t[0], t[1], t[2], 2, 0));
        yield return new("Conv2dRelu[2,16,16,16;3x3,p1,O32] cifar-2", [In([2, 16, 16, 16]), In([32, 16, 3, 3]), In([32])], t => Ops.Conv2dRelu(t[0], t[1], t[2], 1, 1), GradCheck: false);
        yield return new("Conv2dRelu[2,16,13,13;3x3,s2,O16] fashion-2", [In([2, 16, 13, 13]), In([16, 16, 3, 3]), In([16])], t => Ops.Conv2dRelu(t[0], t[1], t[2], 2, 0), GradCheck: false);
        yield return new("Conv2dRelu[2,5,11,9;5x5,s2,p2,O24]", [In([2, 5, 11, 9]), In([24, 5, 5, 5]), In([24])], t => Ops.Conv2dRelu(t[0], t[1], t[2], 2, 2), GradCheck: false);
        // Batches of several image groups (4 images each, the last one partial): the CPU backend's forward and
        // backward run as parallel jobs over images and groups only from here on; the cases above fit one group.
        yield return new("Conv2dRelu[9,16,13,13;3x3,s2,O16] fashion-2, 3 image groups",
            [In([9, 16, 13, 13]), In([16, 16, 3, 3]), In([16])], t => Ops.Conv2dRelu(t[0], t[1], t[2], 2, 0),
            GradCheck: false);
        // 16 channels on rows of whole 8-pixel tiles take AVX-512's two-row tiles (forward and input gradient); an
        // odd row count leaves one row.
        yield return new("Conv2dRelu[3,16,7,16;3x3,p1,O16] two-row tiles, odd rows",
            [In([3, 16, 7, 16]), In([16, 16, 3, 3]), In([16])], t => Ops.Conv2dRelu(t[0], t[1], t[2], 1, 1),
            GradCheck: false);
        yield return new("Conv2d[10,8,12,12;3x3,p1,O16] 3 image groups",
            [In([10, 8, 12, 12]), In([16, 8, 3, 3]), In([16])], t => Ops.Conv2d(t[0], t[1], t[2], 1, 1),
            GradCheck: false);
        // 3-wide kernels on rows of whole 8-pixel tiles take the row-tap tiles (ConvRowTiles), at step 1 and 2: the
        // two small ones through the gradient check, then two rows of 16 channels and two vectors of 32 at step 2.
        yield return new("Conv2dRelu[1,1,2,8;3x3,p1,O2] row-tap tiles", [In([1, 1, 2, 8]), In([2, 1, 3, 3]), In([2])],
            t => Ops.Conv2dRelu(t[0], t[1], t[2], 1, 1));
        yield return new("Conv2d[1,2,3,17;3x3,s2,O3] row-tap tiles at step 2",
            [In([1, 2, 3, 17]), In([3, 2, 3, 3]), In([3])], t => Ops.Conv2d(t[0], t[1], t[2], 2, 0));
        yield return new("Conv2dRelu[2,4,9,17;3x3,s2,O16] row-tap, two rows at step 2",
            [In([2, 4, 9, 17]), In([16, 4, 3, 3]), In([16])], t => Ops.Conv2dRelu(t[0], t[1], t[2], 2, 0),
            GradCheck: false);
        yield return new("Conv2d[2,5,8,16;3x3,s2,p1,O32] row-tap, two vectors at step 2",
            [In([2, 5, 8, 16]), In([32, 5, 3, 3]), In([32])], t => Ops.Conv2d(t[0], t[1], t[2], 2, 1),
            GradCheck: false);
        // The zoo's scaled widths (×0.75, ×1.25): channel counts that leave a partial vector.
        yield return new("Conv2dRelu[2,20,16,16;3x3,p1,O40] cifar-2 ×1.25",
            [In([2, 20, 16, 16]), In([40, 20, 3, 3]), In([40])], t => Ops.Conv2dRelu(t[0], t[1], t[2], 1, 1),
            GradCheck: false);
        yield return new("Conv2dRelu[2,3,8,16;3x3,p1,O20] cifar-1 ×1.25",
            [In([2, 3, 8, 16]), In([20, 3, 3, 3]), In([20])], t => Ops.Conv2dRelu(t[0], t[1], t[2], 1, 1),
            GradCheck: false);
        yield return new("Conv2d[2,12,8,8;3x3,p1,O24] cifar-3 ×0.75",
            [In([2, 12, 8, 8]), In([24, 12, 3, 3]), In([24])], t => Ops.Conv2d(t[0], t[1], t[2], 1, 1),
            GradCheck: false);
        // x feeding two convolutions: the second input gradient must be added to the first (the row tiles add their
        // transposed registers into dx), on the two-row path (16 channels) and the two-vector one (32).
        yield return new("Conv2d ×2 on one x[2,16,4,16] (dx accumulates, two rows)",
            [In([2, 16, 4, 16]), In([16, 16, 3, 3]), In([16, 16, 3, 3])],
            t => Ops.Add(Ops.Conv2d(t[0], t[1], null, 1, 1), Ops.Conv2d(t[0], t[2], null, 1, 1)), GradCheck: false);
        yield return new("Conv2d ×2 on one x[2,32,3,8] (dx accumulates, two vectors)",
            [In([2, 32, 3, 8]), In([8, 32, 3, 3]), In([8, 32, 3, 3])],
            t => Ops.Add(Ops.Conv2d(t[0], t[1], null, 1, 1), Ops.Conv2d(t[0], t[2], null, 1, 1)), GradCheck: false);
        yield return new("MaxPool2d[2,3,6,6;k2]", [In([2, 3, 6, 6])], t => Ops.MaxPool2d(t[0], 2));
        yield return new("MaxPool2d[1,2,7,7;k3,s2,p1]", [In([1, 2, 7, 7])], t => Ops.MaxPool2d(t[0], 3, 2, 1));
        yield return new("MaxPool2d[1,2,7,5;k2]", [In([1, 2, 7, 5])], t => Ops.MaxPool2d(t[0], 2)); // odd sides: the 2×2 fast path drops the last row/column
        yield return new("AvgPool2d[2,3,6,6;k2]", [In([2, 3, 6, 6])], t => Ops.AvgPool2d(t[0], 2));
        yield return new("AvgPool2d[1,2,7,7;k3,s2,p1]", [In([1, 2, 7, 7])], t => Ops.AvgPool2d(t[0], 3, 2, 1));
        yield return new("GlobalAvgPool2d[2,3,4,5]", [In([2, 3, 4, 5])], t => Ops.GlobalAvgPool2d(t[0]));
        yield return new("MaxPool2d[8,16,32,32;k2]", [In([8, 16, 32, 32])], t => Ops.MaxPool2d(t[0], 2), GradCheck: false);
        // 13 outputs per row: one vector of 8 and a scalar tail of 5; odd input width (27) drops the last column.
        yield return new("MaxPool2d[2,3,26,27;k2]", [In([2, 3, 26, 27])], t => Ops.MaxPool2d(t[0], 2), GradCheck: false);

        // ---- sparse graph ops: 6 nodes, 10 edges with a multi-edge (2→1 twice), node 5 with no in-edges,
        // node 0 with many; node 4 never a source.
        var dst = new IndexTensor([1, 1, 0, 0, 0, 0, 2, 3, 3, 4]);
        var srcIdx = new IndexTensor([2, 2, 1, 3, 5, 2, 0, 1, 5, 0]);
        var edgeIds = new IndexTensor(Enumerable.Range(0, 10).ToArray()); // rows that belong to the edges themselves
        yield return new("IndexSelect[6,3;E=10]", [In([6, 3])], t => Ops.IndexSelect(t[0], srcIdx));
        yield return new("ScatterAdd[E=10,3→6]", [In([10, 3])], t => Ops.ScatterAdd(t[0], dst, 6));
        yield return new("SegmentMean[E=10,3→6]", [In([10, 3])], t => Ops.SegmentMean(t[0], dst, 6));
        yield return new("SegmentMax[E=10,3→6]", [In([10, 3])], t => Ops.SegmentMax(t[0], dst, 6));
        yield return new("SegmentSoftmax[E=10]", [In([10])], t => Ops.SegmentSoftmax(t[0], dst, 6));
        yield return new("SegmentSoftmax[E=10,2]", [In([10, 2])], t => Ops.SegmentSoftmax(t[0], dst, 6));
        yield return new("ScatterAdd[E=0,3→4]", [In([0, 3])], t => Ops.ScatterAdd(t[0], new IndexTensor([]), 4));
        yield return new("WeightedAggregate[6,3;E=10]", [In([6, 3]), In([10])], t => Ops.WeightedAggregate(t[0], t[1], srcIdx, dst, 6));
        yield return new("WeightedAggregate[6,2x3;E=10,2 heads]", [In([6, 6]), In([10, 2])], t => Ops.WeightedAggregate(t[0], t[1], srcIdx, dst, 6));
        yield return new("WeightedAggregate[edges 10,2→6]", [In([10, 2]), In([10, 1])], t => Ops.WeightedAggregate(t[0], t[1], edgeIds, dst, 6));
        yield return new("WeightedAggregate[E=0,3→4]", [In([5, 3]), In([0])], t => Ops.WeightedAggregate(t[0], t[1], new IndexTensor([]), new IndexTensor([]), 4));
        yield return new("EdgeDot[6,5;E=10]", [In([6, 5]), In([6, 5])], t => Ops.EdgeDot(t[0], dst, t[1], srcIdx));
        yield return new("EdgeDot[6,2x3;E=10,2 heads]", [In([6, 6]), In([6, 6])], t => Ops.EdgeDot(t[0], dst, t[1], srcIdx, 2));
        yield return new("EdgeDot[nodes 6 · edges 10,2]", [In([6, 2]), In([10, 2])], t => Ops.EdgeDot(t[0], dst, t[1], edgeIds));

        // ---- the Edge-Attention score (fused on the reference and CPU backends, composed elsewhere):
        // edges, noised [E, D], wEdge [H, D], bEdge [H], wLin [P, H + 2D], bLin [P], att [P, 1].
        foreach (var (e, d, h, p) in new[] { (10, 1, 4, 3), (7, 3, 5, 2), (1, 2, 3, 1), (0, 1, 4, 3), (9, 2, 16, 3) })
            yield return new($"EdgeAttentionScore[E={e},D={d},H={h},P={p}]",
                [In([e, d]), In([e, d]), In([h, d]), In([h]), In([p, h + 2 * d]), In([p]), In([p, 1])],
                t => Ops.EdgeAttentionScore(t[0], t[1], t[2], t[3], t[4], t[5], t[6]));
        yield return new("EdgeAttentionScore[E=20000,D=9,H=16,P=16]",
            [In([20000, 9]), In([20000, 9]), In([16, 9]), In([16]), In([16, 34]), In([16]), In([16, 1])],
            t => Ops.EdgeAttentionScore(t[0], t[1], t[2], t[3], t[4], t[5], t[6]), GradCheck: false);

        var bigRng = new Rng(99);
        int bigNodes = 5000, bigEdges = 50000;
        var bigDst = new IndexTensor(Enumerable.Range(0, bigEdges).Select(_ => bigRng.NextInt(bigNodes)).ToArray());
        yield return new("IndexSelect[5000,16;E=50000]", [In([bigNodes, 16])], t => Ops.IndexSelect(t[0], bigDst), GradCheck: false);
        yield return new("ScatterAdd[E=50000,16→5000]", [In([bigEdges, 16])], t => Ops.ScatterAdd(t[0], bigDst, bigNodes), GradCheck: false);
        yield return new("SegmentMax[E=50000,16→5000]", [In([bigEdges, 16])], t => Ops.SegmentMax(t[0], bigDst, bigNodes), GradCheck: false);
        yield return new("SegmentMean[E=50000,16→5000]", [In([bigEdges, 16])], t => Ops.SegmentMean(t[0], bigDst, bigNodes), GradCheck: false);
        yield return new("SegmentSoftmax[E=50000,2]", [In([bigEdges, 2])], t => Ops.SegmentSoftmax(t[0], bigDst, bigNodes), GradCheck: false);
        var bigSrc = new IndexTensor(Enumerable.Range(0, bigEdges).Select(_ => bigRng.NextInt(bigNodes)).ToArray());
        yield return new("WeightedAggregate[5000,32;E=50000]", [In([bigNodes, 32]), In([bigEdges])], t => Ops.WeightedAggregate(t[0], t[1], bigSrc, bigDst, bigNodes), GradCheck: false);
        yield return new("WeightedAggregate[5000,2x8;E=50000,2 heads]", [In([bigNodes, 16]), In([bigEdges, 2])], t => Ops.WeightedAggregate(t[0], t[1], bigSrc, bigDst, bigNodes), GradCheck: false);
        yield return new("EdgeDot[5000,2x16;E=50000,2 heads]", [In([bigNodes, 32]), In([bigNodes, 32])], t => Ops.EdgeDot(t[0], bigDst, t[1], bigSrc, 2), GradCheck: false);
    }
}
