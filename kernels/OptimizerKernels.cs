using ILGPU;
using ILGPU.Algorithms;

namespace StructureReps.Kernels;

/// <summary>
/// Parameter updates in place, one thread per parameter (grid-stride), PyTorch's formulas as the CPU backend:
/// <c>Sgd</c> (weight decay, momentum, Nesterov) and <c>Adam</c> (L2 or AdamW's decoupled decay; the bias
/// corrections 1/(1 − βᵗ) are computed once on the host).
/// </summary>
public static class OptimizerKernels
{
    public static void Sgd(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, OptimizerArgs s)
    {
        for (int i = GridStride.Start, step = GridStride.Step; i < s.Count; i += step)
        {
            float d = g[i] + s.WeightDecay * p[i];
            if (s.Momentum != 0)
            {
                m[i] = s.Step == 1 ? d : s.Momentum * m[i] + d;
                d = s.Nesterov != 0 ? d + s.Momentum * m[i] : m[i];
            }
            p[i] -= s.LearningRate * d;
        }
    }

    public static void Adam(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, OptimizerArgs s)
    {
        for (int i = GridStride.Start, step = GridStride.Step; i < s.Count; i += step)
        {
            float d = g[i];
            if (s.Decoupled != 0) p[i] *= 1 - s.LearningRate * s.WeightDecay;
            else d += s.WeightDecay * p[i];
            m[i] = s.Beta1 * m[i] + (1 - s.Beta1) * d;
            v[i] = s.Beta2 * v[i] + (1 - s.Beta2) * d * d;
            p[i] -= s.LearningRate * (m[i] * s.Correction1) / (XMath.Sqrt(v[i] * s.Correction2) + s.Epsilon);
        }
    }
}

/// <summary>One update's hyper-parameters (see <see cref="OptimizerKernels"/>).</summary>
public struct OptimizerArgs
{
    public int Count, Step, Nesterov, Decoupled;
    public float LearningRate, WeightDecay, Momentum, Beta1, Beta2, Epsilon, Correction1, Correction2;
}
