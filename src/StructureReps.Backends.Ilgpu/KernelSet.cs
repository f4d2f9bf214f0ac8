using ILGPU;
using ILGPU.Runtime;
using StructureReps.Core.Backends;
using StructureReps.Kernels;

namespace StructureReps.Backends.Ilgpu;

/// <summary>
/// The kernels of kernels/ loaded on one accelerator. Each is compiled on first launch (ILGPU compiles
/// per accelerator and per generic instantiation) and kept for the life of the backend. Not thread-safe on its
/// own: the backend touches it only under its lock.
/// </summary>
internal sealed class KernelSet(Accelerator acc)
{
    private readonly Dictionary<UnaryOp, Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float>> _unary = new();
    private readonly Dictionary<UnaryOp, Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>> _derivative = new();
    private readonly Dictionary<BinaryOp, Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>> _binaryDense = new();
    private readonly Dictionary<BinaryOp, Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, int>> _binary = new();

    public Action<KernelConfig, ArrayView<float>, int, int, float> Fill =>
        _fill ??= acc.LoadStreamKernel<ArrayView<float>, int, int, float>(ElementwiseKernels.Fill);
    private Action<KernelConfig, ArrayView<float>, int, int, float>? _fill;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, BlockCopy, int> CopyBlocks =>
        _copyBlocks ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, BlockCopy, int>(ElementwiseKernels.CopyBlocks);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, BlockCopy, int>? _copyBlocks;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, StridedIndex, int, int> Permute =>
        _permute ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, StridedIndex, int, int>(ElementwiseKernels.Permute);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, StridedIndex, int, int>? _permute;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float> Unary(UnaryOp op) =>
        Cached(_unary, op, o => o switch
        {
            UnaryOp.Relu => LoadUnary<ReluOp>(),
            UnaryOp.LeakyRelu => LoadUnary<LeakyReluOp>(),
            UnaryOp.Elu => LoadUnary<EluOp>(),
            UnaryOp.Tanh => LoadUnary<TanhOp>(),
            UnaryOp.Sigmoid => LoadUnary<SigmoidOp>(),
            UnaryOp.Exp => LoadUnary<ExpOp>(),
            UnaryOp.Log => LoadUnary<LogOp>(),
            UnaryOp.Softplus => LoadUnary<SoftplusOp>(),
            UnaryOp.Scale => LoadUnary<ScaleOp>(),
            UnaryOp.AddScalar => LoadUnary<AddScalarOp>(),
            UnaryOp.Square => LoadUnary<SquareOp>(),
            UnaryOp.ClampMax => LoadUnary<ClampMaxOp>(),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        });

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float> UnaryDerivative(UnaryOp op) =>
        Cached(_derivative, op, o => o switch
        {
            UnaryOp.Relu => LoadDerivative<ReluOp>(),
            UnaryOp.LeakyRelu => LoadDerivative<LeakyReluOp>(),
            UnaryOp.Elu => LoadDerivative<EluOp>(),
            UnaryOp.Tanh => LoadDerivative<TanhOp>(),
            UnaryOp.Sigmoid => LoadDerivative<SigmoidOp>(),
            UnaryOp.Exp => LoadDerivative<ExpOp>(),
            UnaryOp.Log => LoadDerivative<LogOp>(),
            UnaryOp.Softplus => LoadDerivative<SoftplusOp>(),
            UnaryOp.Scale => LoadDerivative<ScaleOp>(),
            UnaryOp.AddScalar => LoadDerivative<AddScalarOp>(),
            UnaryOp.Square => LoadDerivative<SquareOp>(),
            UnaryOp.ClampMax => LoadDerivative<ClampMaxOp>(),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        });

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> BinaryDense(BinaryOp op) =>
        Cached(_binaryDense, op, o => o switch
        {
            BinaryOp.Add => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.BinaryDense<AddOp>),
            BinaryOp.Sub => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.BinaryDense<SubOp>),
            BinaryOp.Mul => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.BinaryDense<MulOp>),
            _ => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.BinaryDense<DivOp>),
        });

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, int> Binary(BinaryOp op) =>
        Cached(_binary, op, o => o switch
        {
            BinaryOp.Add => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, int>(ElementwiseKernels.Binary<AddOp>),
            BinaryOp.Sub => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, int>(ElementwiseKernels.Binary<SubOp>),
            BinaryOp.Mul => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, int>(ElementwiseKernels.Binary<MulOp>),
            _ => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, int>(ElementwiseKernels.Binary<DivOp>),
        });

    private static TKernel Cached<TOp, TKernel>(Dictionary<TOp, TKernel> cache, TOp op, Func<TOp, TKernel> load)
        where TOp : notnull
    {
        if (!cache.TryGetValue(op, out var kernel)) cache[op] = kernel = load(op);
        return kernel;
    }

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float> LoadUnary<TOp>() where TOp : struct, IUnaryOperator =>
        acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, float>(ElementwiseKernels.Unary<TOp>);

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float> LoadDerivative<TOp>()
        where TOp : struct, IUnaryOperator =>
        acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(ElementwiseKernels.UnaryDerivative<TOp>);

    // ---- GEMM
    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs> GemmNaive =>
        _gemmNaive ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmKernels.Naive);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>? _gemmNaive;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs> GemmTiled =>
        _gemmTiled ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmKernels.Tiled);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>? _gemmTiled;

    // ---- reductions
    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ReduceArgs> ReducePerOutput =>
        _reducePerOutput ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, ReduceArgs>(ReductionKernels.PerOutput);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ReduceArgs>? _reducePerOutput;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ReduceArgs> ReduceTree =>
        _reduceTree ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, ReduceArgs>(ReductionKernels.GroupTree);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ReduceArgs>? _reduceTree;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int> LogSoftmax =>
        _logSoftmax ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int>(ReductionKernels.LogSoftmax);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int>? _logSoftmax;

    // ---- optimizers
    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, OptimizerArgs> Sgd =>
        _sgd ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, OptimizerArgs>(OptimizerKernels.Sgd);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, OptimizerArgs>? _sgd;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, OptimizerArgs> Adam =>
        _adam ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, OptimizerArgs>(OptimizerKernels.Adam);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, OptimizerArgs>? _adam;

    // ---- direct convolution
    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int> ConvForward =>
        _convForward ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(DirectConvKernels.Forward);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>? _convForward;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int> ConvBackwardInput =>
        _convBackwardInput ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(DirectConvKernels.BackwardInput);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>? _convBackwardInput;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int> ConvBackwardWeight =>
        _convBackwardWeight ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(DirectConvKernels.BackwardWeight);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>? _convBackwardWeight;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int> ConvBackwardBias =>
        _convBackwardBias ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>(DirectConvKernels.BackwardBias);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs, int, int>? _convBackwardBias;

    // ---- convolution and pooling
    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ConvArgs> Im2Col =>
        _im2col ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.Im2Col);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ConvArgs>? _im2col;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ConvArgs> Col2Im =>
        _col2im ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.Col2Im);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ConvArgs>? _col2im;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ConvArgs, int, int> Pool =>
        _pool ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, ConvArgs, int, int>(ConvKernels.Pool);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ConvArgs, int, int>? _pool;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ConvArgs> AvgPoolBackward =>
        _avgPoolBackward ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.AvgPoolBackward);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ConvArgs>? _avgPoolBackward;

    public Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, ConvArgs> MaxPoolBackward =>
        _maxPoolBackward ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, ConvArgs>(ConvKernels.MaxPoolBackward);
    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, ConvArgs>? _maxPoolBackward;

    // ---- sparse
    public Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int> Gather =>
        _gather ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int>(SparseKernels.Gather);
    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int>? _gather;

    public Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, int> IndexAddAtomic =>
        _indexAdd ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(SparseKernels.IndexAddAtomic);
    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>? _indexAdd;

    public Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<int>, SegmentArgs> SegmentReduce =>
        _segmentReduce ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<int>, SegmentArgs>(SparseKernels.SegmentReduce);
    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<int>, SegmentArgs>? _segmentReduce;

    public Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int> SegmentSoftmax =>
        _segmentSoftmax ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int>(SparseKernels.SegmentSoftmax);
    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int>? _segmentSoftmax;

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int> SegmentSoftmaxBackward =>
        _segmentSoftmaxBackward ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int>(SparseKernels.SegmentSoftmaxBackward);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int>? _segmentSoftmaxBackward;

    public Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, HeadArgs> SegmentWeightedSum =>
        _segmentWeightedSum ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, HeadArgs>(SparseKernels.SegmentWeightedSum);
    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, HeadArgs>? _segmentWeightedSum;

    public Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<float>, HeadArgs> EdgeDot =>
        _edgeDot ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<float>, HeadArgs>(SparseKernels.EdgeDot);
    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>, ArrayView<float>, HeadArgs>? _edgeDot;
}
