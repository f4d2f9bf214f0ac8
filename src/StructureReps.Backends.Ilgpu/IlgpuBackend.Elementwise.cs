using ILGPU;
using ILGPU.Runtime;
using StructureReps.Core.Backends;
using StructureReps.Kernels;

namespace StructureReps.Backends.Ilgpu;

/// <summary>
/// Unary functions, their derivatives and broadcast binary ops: one generic kernel per function struct, the unary
/// ones Core's <see cref="IUnaryFunction"/> definitions themselves.
/// </summary>
public sealed partial class IlgpuBackend
{
    public void Map<TFunction>(float alpha, DeviceBuffer x, DeviceBuffer y, int n) where TFunction : struct, IUnaryFunction =>
        Launch(n, config => _kernels.Get<ArrayView<float>, ArrayView<float>, int, float>(ElementwiseKernels.Unary<TFunction>)(config, V(x), V(y), n, alpha));

    public void MapDerivative<TFunction>(float alpha, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, int n)
        where TFunction : struct, IUnaryFunction =>
        Launch(n, config => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(
            ElementwiseKernels.UnaryDerivative<TFunction>)(config, V(x), V(y), V(dy), V(dx), n, alpha));

    public void Binary(BinaryOp op, BroadcastPlan plan, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        if (plan.Rank > StridedIndex.MaxRank)
            throw new NotSupportedException($"{Name}: broadcast over {plan.Rank} axes; the kernels take at most {StridedIndex.MaxRank}");
        int n = plan.Count;
        if (plan.IsElementwise) Launch(n, config => BinaryDense(op)(config, V(a), V(b), V(c), n));
        else
        {
            var map = StridedIndex.Create(plan.Shape, plan.StrideA, plan.StrideB);
            Launch(n, config => BinaryStrided(op)(config, V(a), V(b), V(c), map, n));
        }
    }

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> BinaryDense(BinaryOp op) => op switch
    {
        BinaryOp.Add => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.BinaryDense<AddOp>),
        BinaryOp.Sub => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.BinaryDense<SubOp>),
        BinaryOp.Mul => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.BinaryDense<MulOp>),
        _ => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.BinaryDense<DivOp>),
    };

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, int> BinaryStrided(BinaryOp op) => op switch
    {
        BinaryOp.Add => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, int>(ElementwiseKernels.Binary<AddOp>),
        BinaryOp.Sub => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, int>(ElementwiseKernels.Binary<SubOp>),
        BinaryOp.Mul => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, int>(ElementwiseKernels.Binary<MulOp>),
        _ => _kernels.Get<ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, int>(ElementwiseKernels.Binary<DivOp>),
    };
}
