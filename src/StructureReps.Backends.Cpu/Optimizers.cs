using StructureReps.Core.Backends;

namespace StructureReps.Backends.Cpu;

/// <summary>SGD and Adam/AdamW updates over a parameter range, PyTorch's formulas (see the reference backend).</summary>
internal static class Optimizers
{
    public static void Update(in OptimizerStep s, float[] p, float[] g, float[] m, float[]? v, int i0, int i1)
    {
        float lr = s.LearningRate, wd = s.WeightDecay;
        switch (s.Kind)
        {
            case OptimizerKind.Sgd:
                for (int i = i0; i < i1; i++)
                {
                    float d = g[i] + wd * p[i];
                    if (s.Momentum != 0)
                    {
                        m[i] = s.Step == 1 ? d : s.Momentum * m[i] + d;
                        d = s.Nesterov ? d + s.Momentum * m[i] : m[i];
                    }
                    p[i] -= lr * d;
                }
                break;
            default:
                float c1 = 1f / (1f - MathF.Pow(s.Beta1, s.Step)), c2 = 1f / (1f - MathF.Pow(s.Beta2, s.Step));
                bool decoupled = s.Kind == OptimizerKind.AdamW;
                for (int i = i0; i < i1; i++)
                {
                    float d = g[i];
                    if (decoupled) p[i] *= 1 - lr * wd;
                    else d += wd * p[i];
                    m[i] = s.Beta1 * m[i] + (1 - s.Beta1) * d;
                    v![i] = s.Beta2 * v[i] + (1 - s.Beta2) * d * d;
                    p[i] -= lr * (m[i] * c1) / (MathF.Sqrt(v[i] * c2) + s.Epsilon);
                }
                break;
        }
    }
}
