using StructureReps.Core;

namespace StructureReps.Tests.Support;

/// <summary>How an input's values are drawn. Kinked functions (ReLU, max, clamp) get values away from their kinks.</summary>
public enum Sampler
{
    /// <summary>U(−2, 2).</summary>
    Uniform,
    /// <summary>±U(0.1, 2): away from 0, for ReLU-like kinks.</summary>
    AwayFromZero,
    /// <summary>U(0.5, 3): logs and denominators.</summary>
    Positive,
    /// <summary>U(−30, 30): overflow-prone ranges (softplus, sigmoid).</summary>
    Wide,
    /// <summary>U(0, 1): probabilities.</summary>
    Probability,
}

public sealed record InputSpec(int[] Shape, Sampler Kind = Sampler.Uniform, bool Differentiable = true);

/// <summary>
/// One op applied to seeded inputs: the unit of both the gradient check (on the reference backend, in double)
/// and the conformance check (each backend against the reference, forward and backward).
/// </summary>
public sealed record OpCase(string Name, InputSpec[] Inputs, Func<Tensor[], Tensor> Fn, bool GradCheck = true)
{
    public override string ToString() => Name;

    /// <summary>The inputs' values, drawn from a seed derived from the case name, rounded to float.</summary>
    public double[][] SampleInputs()
    {
        var rng = new Rng((ulong)Name.Aggregate(17L, (h, ch) => h * 31 + ch));
        return Inputs.Select(spec =>
        {
            var values = new double[Shapes.Count(spec.Shape)];
            for (int i = 0; i < values.Length; i++)
            {
                double v = spec.Kind switch
                {
                    Sampler.Uniform => rng.Uniform(-2, 2),
                    Sampler.AwayFromZero => (rng.NextDouble() < 0.5 ? -1 : 1) * rng.Uniform(0.1, 2),
                    Sampler.Positive => rng.Uniform(0.5, 3),
                    Sampler.Wide => rng.Uniform(-30, 30),
                    _ => rng.Uniform(0, 1),
                };
                values[i] = (float)v; // exactly representable on every backend
            }
            return values;
        }).ToArray();
    }
}
