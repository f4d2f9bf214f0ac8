using System.Text;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Core.Backends.Reference;
using Xunit;

namespace StructureReps.Tests.Support;

/// <summary>Closeness checks that report the first mismatches and the largest difference (llm.c's validate_result).</summary>
public static class Numerics
{
    /// <summary>
    /// Asserts |actual − expected| ≤ atol·max(1, max|expected|) + rtol·|expected| element by element: the absolute
    /// part scales with the data's magnitude, so a sum of large terms is not held to a tiny absolute error.
    /// </summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double rtol, double atol, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        double scale = 1;
        foreach (double e in expected) scale = Math.Max(scale, Math.Abs(e));
        double maxDiff = 0;
        int bad = 0;
        var report = new StringBuilder();
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            bool ok = diff <= atol * scale + rtol * Math.Abs(expected[i]) || (double.IsNaN(expected[i]) && double.IsNaN(actual[i]));
            maxDiff = Math.Max(maxDiff, double.IsNaN(diff) ? double.PositiveInfinity : diff);
            if (!ok && bad++ < 5) report.Append($"\n  [{i}] expected {expected[i]:G9}, got {actual[i]:G9} (diff {diff:G3})");
        }
        Assert.True(bad == 0, $"{what}: {bad} of {expected.Length} elements differ (max diff {maxDiff:G3}, scale {scale:G3}):{report}");
    }

    public static Tensor[] MakeInputs(OpCase c, IBackend backend, bool requireGrad)
    {
        var values = c.SampleInputs();
        return c.Inputs.Select((spec, i) =>
        {
            var t = Tensor.FromDouble(values[i], spec.Shape, backend);
            t.RequiresGrad = requireGrad && spec.Differentiable;
            return t;
        }).ToArray();
    }

    /// <summary>A fixed upstream gradient for the case's output (so every output element matters).</summary>
    public static double[] Seed(OpCase c, int length)
    {
        var rng = new Rng(12345 + (ulong)length);
        return Enumerable.Range(0, length).Select(_ => (double)(float)rng.Uniform(-1, 1)).ToArray();
    }

    /// <summary>
    /// Central-difference gradient check in double precision on the reference backend: the analytic gradient of
    /// L = Σ out ⊙ seed must match (L(x + h) − L(x − h)) / 2h for every element of every differentiable input.
    /// </summary>
    public static void GradCheck(OpCase c, double h = 1e-5, double rtol = 1e-6, double atol = 1e-7)
    {
        var backend = ReferenceBackend.Instance;
        var inputs = MakeInputs(c, backend, requireGrad: true);
        var output = c.Fn(inputs);
        var seed = Seed(c, output.Length);
        if (!output.RequiresGrad)
        {
            Assert.True(inputs.All(t => !t.RequiresGrad) || output.Length == 0 || inputs.All(t => t.Length == 0),
                $"{c.Name}: output does not require grad though an input does");
            return;
        }
        output.Backward(Tensor.FromDouble(seed, output.Shape, backend));

        for (int k = 0; k < inputs.Length; k++)
        {
            if (!inputs[k].RequiresGrad) continue;
            var x = inputs[k].ToDoubleArray();
            var analytic = inputs[k].Grad?.ToDoubleArray() ?? new double[x.Length];
            var numeric = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                numeric[i] = (Loss(k, i, x[i] + h) - Loss(k, i, x[i] - h)) / (2 * h);
            }
            inputs[k].Data.WriteDouble(x);
            AssertClose(numeric, analytic, rtol, atol, $"{c.Name}: d/d(input {k})");
        }

        double Loss(int k, int i, double value)
        {
            using var _ = Core.Autodiff.Tape.NoGrad();
            var x = inputs[k].ToDoubleArray();
            double saved = x[i];
            x[i] = value;
            inputs[k].Data.WriteDouble(x);
            var y = c.Fn(inputs).ToDoubleArray();
            x[i] = saved;
            inputs[k].Data.WriteDouble(x);
            double sum = 0;
            for (int j = 0; j < y.Length; j++) sum += y[j] * seed[j];
            return sum;
        }
    }

    /// <summary>Runs a case forward and backward on a backend; returns the output and the input gradients.</summary>
    public static (double[] Output, double[][] Grads) Run(OpCase c, IBackend backend)
    {
        var inputs = MakeInputs(c, backend, requireGrad: true);
        var output = c.Fn(inputs);
        var result = output.ToDoubleArray();
        if (output.RequiresGrad) output.Backward(Tensor.FromDouble(Seed(c, output.Length), output.Shape, backend));
        var grads = inputs.Select(t => t.Grad?.ToDoubleArray() ?? new double[t.Length]).ToArray();
        return (result, grads);
    }
}
