using StructureReps.Core;

namespace StructureReps.Tests.Support;

/// <summary>
/// Central-difference gradient check of a scalar function of some leaf tensors (a layer's parameters and its
/// inputs) in double precision on the reference backend: every element of every tensor is perturbed.
/// </summary>
public static class ModuleGradCheck
{
    public static void Check(string what, Func<Tensor> loss, IEnumerable<(string Name, Tensor Tensor)> leaves, double h = 1e-6, double rtol = 1e-5, double atol = 1e-7)
    {
        var list = leaves.ToList();
        foreach (var (_, t) in list) { t.RequiresGrad = true; t.ZeroGrad(); }
        loss().Backward();
        foreach (var (name, t) in list)
        {
            var x = t.ToDoubleArray();
            var analytic = t.Grad?.ToDoubleArray() ?? new double[x.Length];
            var numeric = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                double saved = x[i];
                x[i] = saved + h; t.Data.WriteDouble(x);
                double up = Eval(loss);
                x[i] = saved - h; t.Data.WriteDouble(x);
                double down = Eval(loss);
                x[i] = saved; t.Data.WriteDouble(x);
                numeric[i] = (up - down) / (2 * h);
            }
            Numerics.AssertClose(numeric, analytic, rtol, atol, $"{what}: d/d{name}");
        }
    }

    private static double Eval(Func<Tensor> loss)
    {
        using var _ = Core.Autodiff.Tape.NoGrad();
        return loss().ToDoubleArray()[0];
    }
}
