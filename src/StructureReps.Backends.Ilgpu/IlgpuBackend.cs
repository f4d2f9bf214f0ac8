using ILGPU;
using ILGPU.Runtime;
using StructureReps.Core.Backends;
using StructureReps.Kernels;

namespace StructureReps.Backends.Ilgpu;

/// <summary>
/// The engine's primitive ops as ILGPU kernels (kernels/), on CUDA, OpenCL or ILGPU's CPU accelerator. Buffers
/// live on the device; every op is one or two kernel launches on the accelerator's default stream, in order, and
/// nothing is copied to the host unless a tensor is read. Each kernel is compiled the first time it is launched
/// and kept for the life of the process (<see cref="IlgpuDevices.Get"/> hands out one backend per device).
/// Every kernel gives the same bits on every run: outputs are gathered by the thread that owns them, never
/// accumulated by atomics, except the arg-max scatter whose indices never repeat.
/// Ops are serialized by a lock, so tensors may be used from several threads.
/// </summary>
public sealed partial class IlgpuBackend : IBackend, IFusedLogSoftmax, IFusedOptimizer
{
    private readonly Accelerator _acc;
    private readonly object _gate = new();
    private readonly KernelCache _kernels;
    private readonly int _groupSize, _maxGroups;
    private readonly long _collectAbove;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _noIndices;
    private long _liveBytes;

    [ThreadStatic] private static Accelerator? _boundHere;

    internal IlgpuBackend(Accelerator accelerator, IlgpuDeviceKind kind)
    {
        _acc = accelerator;
        Kind = kind;
        _kernels = new KernelCache(accelerator);
        _groupSize = Math.Min(256, accelerator.MaxNumThreadsPerGroup);
        // Enough groups to fill every multiprocessor; a grid-stride loop covers the rest.
        _maxGroups = Math.Max(1, accelerator.NumMultiprocessors * Math.Max(1, accelerator.MaxNumThreadsPerMultiprocessor / _groupSize));
        long memory = accelerator.MemorySize > 0 ? accelerator.MemorySize : long.MaxValue;
        _collectAbove = Math.Min(memory / 2, 2L << 30);
        TileSize = LargestTile(accelerator.MaxNumThreadsPerGroup);
        ReduceGroupSize = 1 << System.Numerics.BitOperations.Log2((uint)_groupSize);
        _noIndices = accelerator.Allocate1D<int>(1);
    }

    public IlgpuDeviceKind Kind { get; }

    public string Name => Kind switch
    {
        IlgpuDeviceKind.Cuda => "ilgpu-cuda",
        IlgpuDeviceKind.OpenCL => "ilgpu-opencl",
        _ => "ilgpu-cpu",
    };

    /// <summary>The accelerator's own name ("NVIDIA H100 80GB HBM3", "CPUAccelerator").</summary>
    public string DeviceName => _acc.Name;

    /// <summary>Edge T of the tiled GEMM's T×T thread groups: 16 on a GPU, 2 on the CPU accelerator.</summary>
    public int TileSize { get; }

    /// <summary>Threads per group of the tree reductions (a power of two).</summary>
    public int ReduceGroupSize { get; }

    public override string ToString() => $"{Name} ({DeviceName})";

    private static int LargestTile(int maxThreadsPerGroup)
    {
        int t = 16;
        while (t * t > maxThreadsPerGroup) t /= 2;
        return t;
    }

    // ------------------------------------------------------------------ memory

    /// <summary>A zeroed buffer the garbage collector owns: a rented one that is simply never returned.</summary>
    public DeviceBuffer Allocate(int length) => Rent(length, zeroed: true);

    /// <summary>
    /// Device memory kept for reuse, by exact length (kernels take a view's whole length in places, so a buffer
    /// is never longer than asked). Counted in the live total; dropped when memory runs short.
    /// </summary>
    private readonly Dictionary<int, Stack<MemoryBuffer1D<float, Stride1D.Dense>>> _pool = new();

    public DeviceBuffer Rent(int length, bool zeroed)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "buffer length must be >= 0");
        lock (_gate)
        {
            Bind();
            int size = Math.Max(length, 1);
            var memory = _pool.TryGetValue(size, out var free) && free.Count > 0 ? free.Pop() : AllocateDevice<float>(size);
            if (zeroed) memory.View.MemSetToZero(_acc.DefaultStream);
            else if (Core.Memory.PoolDiagnostics.Poison) memory.View.MemSet(_acc.DefaultStream, 0xFF); // all-ones bits: NaN
            return new IlgpuBuffer(this, memory, length);
        }
    }

    public void Return(DeviceBuffer buffer)
    {
        if (buffer is not IlgpuBuffer b || b.Owner != this)
            throw new ArgumentException($"buffer belongs to backend '{buffer.Backend.Name}', not '{Name}'");
        lock (_gate)
        {
            if (b.Release() is not { } memory) return;
            if (Core.Memory.PoolDiagnostics.Poison)
            {
                Bind();
                memory.View.MemSet(_acc.DefaultStream, 0xFF);
                _acc.DefaultStream.Synchronize();
                Free(memory);
                return;
            }
            int size = (int)memory.Length;
            if (!_pool.TryGetValue(size, out var free)) _pool[size] = free = new();
            free.Push(memory);
        }
    }

    /// <summary>Frees the pooled device memory (called when an allocation finds the device short).</summary>
    private void DrainPool()
    {
        foreach (var free in _pool.Values)
            while (free.Count > 0) Free(free.Pop());
    }

    /// <summary>Gives device memory back to the device and takes it off the live total.</summary>
    private void Free(MemoryBuffer1D<float, Stride1D.Dense> memory)
    {
        Released(memory.LengthInBytes);
        memory.Dispose();
    }

    public IndexBuffer UploadIndices(int[] indices)
    {
        lock (_gate)
        {
            Bind();
            var memory = AllocateDevice<int>(Math.Max(indices.Length, 1));
            if (indices.Length > 0) memory.View.SubView(0, indices.Length).CopyFromCPU(_acc.DefaultStream, indices);
            _acc.DefaultStream.Synchronize();
            return new IlgpuIndexBuffer(this, memory, indices.Length);
        }
    }

    /// <summary>
    /// Allocates device memory, first collecting garbage when the live total passes a threshold: the tensors
    /// that own device buffers are small managed objects, so without this the collector would not run before
    /// the device fills up.
    /// </summary>
    private MemoryBuffer1D<T, Stride1D.Dense> AllocateDevice<T>(int length) where T : unmanaged
    {
        long bytes = (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (Interlocked.Read(ref _liveBytes) + bytes > _collectAbove) { DrainPool(); Collect(); }
        MemoryBuffer1D<T, Stride1D.Dense> memory;
        try
        {
            memory = _acc.Allocate1D<T>(length);
        }
        catch (Exception e) when (e is OutOfMemoryException or AcceleratorException)
        {
            DrainPool();
            Collect();
            memory = _acc.Allocate1D<T>(length);
        }
        Interlocked.Add(ref _liveBytes, bytes);
        return memory;
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    internal void Released(long bytes) => Interlocked.Add(ref _liveBytes, -bytes);

    internal void CopyToHost<T>(ArrayView1D<T, Stride1D.Dense> from, Span<T> to) where T : unmanaged
    {
        lock (_gate)
        {
            Bind();
            from.CopyToCPU(_acc.DefaultStream, to);
            _acc.DefaultStream.Synchronize();
        }
    }

    internal void CopyFromHost<T>(ReadOnlySpan<T> from, ArrayView1D<T, Stride1D.Dense> to) where T : unmanaged
    {
        lock (_gate)
        {
            Bind();
            to.CopyFromCPU(_acc.DefaultStream, from);
            _acc.DefaultStream.Synchronize();
        }
    }

    /// <summary>Waits for every launched kernel (for timing; reads synchronize by themselves).</summary>
    public void Synchronize()
    {
        lock (_gate)
        {
            Bind();
            _acc.Synchronize();
        }
    }

    // A CUDA context is current per thread; binding is cheap but not free, so only when the thread changes.
    private void Bind()
    {
        if (_boundHere == _acc) return;
        _acc.Bind();
        _boundHere = _acc;
    }

    private ArrayView<float> V(DeviceBuffer b) => b is IlgpuBuffer g && g.Owner == this
        ? g.View
        : throw new ArgumentException($"buffer belongs to backend '{b.Backend.Name}', not this '{Name}' instance");

    private ArrayView<int> I(IndexBuffer? b) => b switch
    {
        null => _noIndices.View.AsContiguous(),
        IlgpuIndexBuffer g when g.Owner == this => g.View,
        _ => throw new ArgumentException($"index buffer belongs to backend '{b.Backend.Name}', not this '{Name}' instance"),
    };

    /// <summary>One grid-stride launch over <paramref name="work"/> elements under the lock; nothing when there is no work.</summary>
    private void Launch(long work, Action<KernelConfig> launch)
    {
        if (work == 0) return;
        lock (_gate)
        {
            Bind();
            launch(Stride(work));
        }
    }

    /// <summary>A grid-stride launch for <paramref name="work"/> elements: at most one full device's worth of groups.</summary>
    private KernelConfig Stride(long work)
    {
        long groups = Math.Clamp((work + _groupSize - 1) / _groupSize, 1, _maxGroups);
        return new KernelConfig((int)groups, _groupSize);
    }

    // ------------------------------------------------------------------ copies, permutes, reductions, optimizers

    public void Fill(DeviceBuffer dst, int offset, int count, float value) =>
        Launch(count, config => _kernels.Get<ArrayView<float>, int, int, float>(ElementwiseKernels.Fill)(config, V(dst), offset, count, value));

    public void CopyBlocks(DeviceBuffer src, int srcOffset, int srcStride, DeviceBuffer dst, int dstOffset,
        int dstStride, int blocks, int blockLength, bool accumulate)
    {
        if ((long)blocks * blockLength == 0) return;
        var copy = new BlockCopy
        {
            SrcOffset = srcOffset, SrcStride = srcStride, DstOffset = dstOffset, DstStride = dstStride,
            Blocks = blocks, BlockLength = blockLength,
        };
        Launch((long)blocks * blockLength, config => _kernels.Get<ArrayView<float>, ArrayView<float>, BlockCopy, int>(ElementwiseKernels.CopyBlocks)(config, V(src), V(dst), copy, accumulate ? 1 : 0));
    }

    public void Permute(DeviceBuffer x, int[] shape, int[] perm, DeviceBuffer y, bool accumulate)
    {
        int rank = shape.Length;
        int count = Core.Shapes.Count(shape);
        if (count == 0) return;
        if (rank > StridedIndex.MaxRank)
            throw new NotSupportedException($"{Name}: Permute of rank {rank}; the kernels take at most {StridedIndex.MaxRank} axes");
        var inStride = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; s *= shape[d], d--) inStride[d] = s;
        var outShape = new int[rank];
        var source = new int[rank];
        for (int d = 0; d < rank; d++) { outShape[d] = shape[perm[d]]; source[d] = inStride[perm[d]]; }
        var map = StridedIndex.Create(outShape, source, new int[rank]);
        Launch(count, config => _kernels.Get<ArrayView<float>, ArrayView<float>, StridedIndex, int, int>(ElementwiseKernels.Permute)(config, V(x), V(y), map, count, accumulate ? 1 : 0));
    }

    public void Reduce(ReduceOp op, DeviceBuffer x, int outer, int axis, int inner, DeviceBuffer y,
        IndexBuffer? argmax, bool accumulate)
    {
        if ((long)outer * inner == 0) return;
        var args = new ReduceArgs
        {
            Op = Code(op), Outer = outer, Axis = axis, Inner = inner, Accumulate = accumulate ? 1 : 0,
            HasArgmax = argmax is null ? 0 : 1,
        };
        lock (_gate)
        {
            Bind();
            // Long rows with few outputs: a group per row and a tree; otherwise a thread per output.
            if (inner == 1 && axis >= 4 * ReduceGroupSize && outer < 4 * _maxGroups)
            {
                var config = new KernelConfig(Math.Min(outer, _maxGroups), ReduceGroupSize,
                    SharedMemoryConfig.RequestDynamic<uint>(2 * ReduceGroupSize));
                _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<int>, ReduceArgs>(ReductionKernels.GroupTree)(config, V(x), V(y), I(argmax), args);
            }
            else _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<int>, ReduceArgs>(ReductionKernels.PerOutput)(Stride((long)outer * inner), V(x), V(y), I(argmax), args);
        }
    }

    internal static int Code(ReduceOp op) => op switch
    {
        ReduceOp.Sum => ReductionKernels.Sum,
        ReduceOp.Mean => ReductionKernels.Mean,
        _ => ReductionKernels.Max,
    };

    public void LogSoftmax(DeviceBuffer x, int rows, int cols, DeviceBuffer y)
    {
        if ((long)rows * cols == 0) return;
        Launch(rows, config => _kernels.Get<ArrayView<float>, ArrayView<float>, int, int>(ReductionKernels.LogSoftmax)(config, V(x), V(y), rows, cols));
    }

    public void OptimizerUpdate(in OptimizerStep step, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer state1,
        DeviceBuffer? state2, int n)
    {
        if (n == 0) return;
        var args = new OptimizerArgs
        {
            Count = n, Step = step.Step, Nesterov = step.Nesterov ? 1 : 0, Decoupled = step.Kind == OptimizerKind.AdamW ? 1 : 0,
            LearningRate = step.LearningRate, WeightDecay = step.WeightDecay, Momentum = step.Momentum,
            Beta1 = step.Beta1, Beta2 = step.Beta2, Epsilon = step.Epsilon,
            Correction1 = 1f / (1f - MathF.Pow(step.Beta1, step.Step)),
            Correction2 = 1f / (1f - MathF.Pow(step.Beta2, step.Step)),
        };
        if (step.Kind == OptimizerKind.Sgd) Launch(n, config => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, OptimizerArgs>(OptimizerKernels.Sgd)(config, V(param), V(grad), V(state1), args));
        else
        {
            var v = state2 ?? throw new ArgumentNullException(nameof(state2), "Adam needs its second-moment buffer");
            Launch(n, config => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, OptimizerArgs>(OptimizerKernels.Adam)(config, V(param), V(grad), V(state1), V(v), args));
        }
    }
}
