using System.Reflection;
using ILGPU;
using ILGPU.Runtime;

namespace StructureReps.Backends.Ilgpu;

/// <summary>
/// The kernels of kernels/ loaded on one accelerator, each compiled on its first launch (ILGPU compiles per
/// accelerator and per generic instantiation) and kept for the life of the backend, keyed by the kernel method:
/// <c>Get&lt;ArrayView&lt;float&gt;, int, int, float&gt;(ElementwiseKernels.Fill)</c> names a kernel and its parameter types
/// once, at the launch. Not thread-safe on its own: the backend touches it only under its lock.
/// </summary>
internal sealed class KernelCache(Accelerator accelerator)
{
    private readonly Dictionary<MethodInfo, Delegate> _loaded = [];

    public Action<KernelConfig, T1, T2, T3> Get<T1, T2, T3>(Action<T1, T2, T3> kernel)
        where T1 : struct where T2 : struct where T3 : struct =>
        Load(kernel, () => accelerator.LoadStreamKernel(kernel));

    public Action<KernelConfig, T1, T2, T3, T4> Get<T1, T2, T3, T4>(Action<T1, T2, T3, T4> kernel)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct =>
        Load(kernel, () => accelerator.LoadStreamKernel(kernel));

    public Action<KernelConfig, T1, T2, T3, T4, T5> Get<T1, T2, T3, T4, T5>(Action<T1, T2, T3, T4, T5> kernel)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct =>
        Load(kernel, () => accelerator.LoadStreamKernel(kernel));

    public Action<KernelConfig, T1, T2, T3, T4, T5, T6> Get<T1, T2, T3, T4, T5, T6>(Action<T1, T2, T3, T4, T5, T6> kernel)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct =>
        Load(kernel, () => accelerator.LoadStreamKernel(kernel));

    public Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7> Get<T1, T2, T3, T4, T5, T6, T7>(Action<T1, T2, T3, T4, T5, T6, T7> kernel)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct =>
        Load(kernel, () => accelerator.LoadStreamKernel(kernel));

    private TLauncher Load<TLauncher>(Delegate kernel, Func<TLauncher> load) where TLauncher : Delegate
    {
        if (!_loaded.TryGetValue(kernel.Method, out var launcher)) _loaded[kernel.Method] = launcher = load();
        return (TLauncher)launcher;
    }
}
