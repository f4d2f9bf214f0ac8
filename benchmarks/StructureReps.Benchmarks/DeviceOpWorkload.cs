using StructureReps.Backends.Ilgpu;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Core.Sparse;

namespace StructureReps.Benchmarks;

/// <summary>The primitive ops compared across devices (<see cref="DeviceOpBenchmarks"/>).</summary>
public enum DeviceOp { Gemm, Exp, BiasAdd, SumAll, Im2Col, Gather, ScatterAdd, SegmentSoftmax, Adam }

/// <summary>
/// One primitive op at one size, its inputs prepared on one backend. <see cref="Run"/> launches the op and, for
/// an ILGPU backend, waits for the device, so a timing covers the work and not just the launch.
/// Sizes (small | large): GEMM n×n×n 128 | 512; elementwise, sum and Adam over 2¹⁶ | 2²² floats; bias add
/// [256, 256] | [16384, 256]; im2col of [8 | 64, 16, 32, 32] by 3×3 (padding 1); graph ops on 10⁴ | 10⁶ random
/// edges over 10³ | 10⁵ nodes, 16 features.
/// </summary>
public sealed class DeviceOpWorkload
{
    private readonly IBackend _be;
    private readonly Action _run;

    public DeviceOpWorkload(IBackend backend, DeviceOp op, bool large)
    {
        _be = backend;
        var rng = new Rng(7);
        DeviceBuffer Random(int n) => Tensor.From(rng.UniformArray(n, -1, 1), [n], backend).Data;
        int flat = large ? 1 << 22 : 1 << 16;
        switch (op)
        {
            case DeviceOp.Gemm:
                {
                    int n = large ? 512 : 128;
                    var (a, b, c) = (Random(n * n), Random(n * n), backend.Allocate(n * n));
                    _run = () => backend.Gemm(new GemmShape(false, false, n, n, n), 1f, a, b, 0f, c);
                    break;
                }
            case DeviceOp.Exp:
                {
                    var (x, y) = (Random(flat), backend.Allocate(flat));
                    _run = () => backend.Map<ExpFunction>(0, x, y, flat);
                    break;
                }
            case DeviceOp.BiasAdd:
                {
                    int rows = large ? 16384 : 256;
                    var (x, bias, y) = (Random(rows * 256), Random(256), backend.Allocate(rows * 256));
                    var plan = BroadcastPlan.Create([rows, 256], [256]);
                    _run = () => backend.Binary(BinaryOp.Add, plan, x, bias, y);
                    break;
                }
            case DeviceOp.SumAll:
                {
                    var (x, y) = (Random(flat), backend.Allocate(1));
                    _run = () => backend.Reduce(ReduceOp.Sum, x, 1, flat, 1, y, null, false);
                    break;
                }
            case DeviceOp.Im2Col:
                {
                    var s = new ConvShape(large ? 64 : 8, 16, 32, 32, 3, 3, 1, 1, 1, 1);
                    var (x, cols) = (Random(s.Batch * 16 * 32 * 32), backend.Allocate(s.ColRows * s.ColCols));
                    _run = () => backend.Im2Col(x, s, cols);
                    break;
                }
            case DeviceOp.Gather or DeviceOp.ScatterAdd or DeviceOp.SegmentSoftmax:
                {
                    int edges = large ? 1_000_000 : 10_000, nodes = edges / 10;
                    var src = new int[edges];
                    var dst = new int[edges];
                    for (int e = 0; e < edges; e++) { src[e] = rng.NextInt(nodes); dst[e] = rng.NextInt(nodes); }
                    var segments = SegmentIndex.Build(dst, nodes);
                    segments.On(backend);
                    var srcIndex = backend.UploadIndices(src);
                    var (nodeValues, edgeValues) = (Random(nodes * 16), Random(edges * 16));
                    var (edgeOut, nodeOut) = (backend.Allocate(edges * 16), backend.Allocate(nodes * 16));
                    _run = op switch
                    {
                        DeviceOp.Gather => () => backend.Gather(nodeValues, 16, srcIndex, edges, edgeOut),
                        DeviceOp.ScatterAdd => () => backend.SegmentReduce(ReduceOp.Sum, edgeValues, 16, segments, nodeOut, null, false),
                        _ => () => backend.SegmentSoftmax(edgeValues, 16, segments, edgeOut),
                    };
                    break;
                }
            default:
                {
                    var (p, g, m, v) = (Random(flat), Random(flat), backend.Allocate(flat), backend.Allocate(flat));
                    var step = new OptimizerStep(OptimizerKind.Adam, 1e-3f);
                    _run = () => backend.OptimizerUpdate(step, p, g, m, v, flat);
                    break;
                }
        }
    }

    public void Run()
    {
        _run();
        if (_be is IlgpuBackend device) device.Synchronize();
    }
}
