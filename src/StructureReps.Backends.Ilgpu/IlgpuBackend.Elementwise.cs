using StructureReps.Core.Backends;
using StructureReps.Kernels;

namespace StructureReps.Backends.Ilgpu;

/// <summary>Unary functions, their derivatives and broadcast binary ops: one generic kernel per operator struct.</summary>
public sealed partial class IlgpuBackend
{
    public void Unary(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, int n) =>
        Launch(n, config => _kernels.Unary(op)(config, V(x), V(y), n, alpha));

    public void UnaryDerivative(UnaryOp op, float alpha, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy,
        DeviceBuffer dx, int n) =>
        Launch(n, config => _kernels.UnaryDerivative(op)(config, V(x), V(y), V(dy), V(dx), n, alpha));

    public void Binary(BinaryOp op, BroadcastPlan plan, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        if (plan.Rank > StridedIndex.MaxRank)
            throw new NotSupportedException($"{Name}: broadcast over {plan.Rank} axes; the kernels take at most {StridedIndex.MaxRank}");
        int n = plan.Count;
        if (plan.IsElementwise) Launch(n, config => _kernels.BinaryDense(op)(config, V(a), V(b), V(c), n));
        else
        {
            var map = StridedIndex.Create(plan.Shape, plan.StrideA, plan.StrideB);
            Launch(n, config => _kernels.Binary(op)(config, V(a), V(b), V(c), map, n));
        }
    }
}
