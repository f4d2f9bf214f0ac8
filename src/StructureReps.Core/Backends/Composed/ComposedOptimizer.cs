namespace StructureReps.Core.Backends;

/// <summary>
/// SGD (momentum, Nesterov, weight decay), Adam and AdamW from elementwise primitives, with the formulas of
/// PyTorch's optimizers (as the fused kernels: ReferenceBackend.OptimizerUpdate is the oracle).
/// </summary>
internal static class ComposedOptimizer
{
    public static void Update(IBackend be, in OptimizerStep step, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer? v, int n)
    {
        if (n == 0) return;
        using var scratch = new Scratch(be);
        var same = BroadcastPlan.Create([n], [n]);
        var g = scratch.Rent(n);
        var t = scratch.Rent(n);
        be.CopyBlocks(grad, 0, 0, g, 0, 0, 1, n, accumulate: false);
        void AddScaled(DeviceBuffer dst, float scale, DeviceBuffer src) // dst += scale·src
        {
            be.Map<ScaleFunction>(scale, src, t, n);
            be.Binary(BinaryOp.Add, same, dst, t, dst);
        }
        float lr = step.LearningRate, wd = step.WeightDecay;
        if (step.Kind == OptimizerKind.Sgd)
        {
            if (wd != 0) AddScaled(g, wd, param);
            if (step.Momentum != 0)
            {
                if (step.Step == 1) be.CopyBlocks(g, 0, 0, m, 0, 0, 1, n, accumulate: false);
                else
                {
                    be.Map<ScaleFunction>(step.Momentum, m, m, n);
                    be.Binary(BinaryOp.Add, same, m, g, m);
                }
                if (step.Nesterov) AddScaled(g, step.Momentum, m);
                else be.CopyBlocks(m, 0, 0, g, 0, 0, 1, n, accumulate: false);
            }
            AddScaled(param, -lr, g);
            return;
        }
        if (v is null) throw new ArgumentNullException(nameof(v), $"{step.Kind} needs a second state buffer");
        if (step.Kind == OptimizerKind.Adam) { if (wd != 0) AddScaled(g, wd, param); }
        else be.Map<ScaleFunction>(1 - lr * wd, param, param, n);
        be.Map<ScaleFunction>(step.Beta1, m, m, n);
        AddScaled(m, 1 - step.Beta1, g);
        be.Map<SquareFunction>(0f, g, g, n);
        be.Map<ScaleFunction>(step.Beta2, v, v, n);
        AddScaled(v, 1 - step.Beta2, g);
        // p −= lr · m̂ / (√v̂ + ε), m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ).
        var mHat = g;
        be.Map<ScaleFunction>((float)(1 / (1 - Math.Pow(step.Beta1, step.Step))), m, mHat, n);
        be.Map<ScaleFunction>((float)(1 / (1 - Math.Pow(step.Beta2, step.Step))), v, t, n);
        be.Map<SqrtFunction>(0f, t, t, n);
        be.Map<AddScalarFunction>(step.Epsilon, t, t, n);
        be.Binary(BinaryOp.Div, same, mHat, t, mHat);
        be.Map<ScaleFunction>(-lr, mHat, mHat, n);
        be.Binary(BinaryOp.Add, same, param, mHat, param);
    }
}
