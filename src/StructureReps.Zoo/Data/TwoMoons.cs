using StructureReps.Core;

namespace StructureReps.Zoo.Data;

/// <summary>
/// Two interleaving half circles (scikit-learn's make_moons): class 0 on (cos t, sin t), class 1 on
/// (1 − cos t, 0.5 − sin t), t evenly spaced in [0, π], plus N(0, noise²) on each coordinate; seeded and shuffled.
/// </summary>
public static class TwoMoons
{
    public static Dataset Generate(int count, double noise, ulong seed)
    {
        var rng = new Rng(seed);
        int outer = count / 2, inner = count - outer;
        var x = new float[count * 2];
        var labels = new int[count];
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order);
        for (int i = 0; i < count; i++)
        {
            bool isOuter = i < outer;
            int j = isOuter ? i : i - outer, m = isOuter ? outer : inner;
            double t = m == 1 ? 0 : Math.PI * j / (m - 1);
            double px = isOuter ? Math.Cos(t) : 1 - Math.Cos(t);
            double py = isOuter ? Math.Sin(t) : 0.5 - Math.Sin(t);
            int k = order[i];
            x[2 * k] = (float)(px + noise * rng.NextGaussian());
            x[2 * k + 1] = (float)(py + noise * rng.NextGaussian());
            labels[k] = isOuter ? 0 : 1;
        }
        return new Dataset(x, [2], labels, null, 2);
    }

    /// <summary>Spec §2: noise 0.1, 1,000 train and 1,000 test points (independent draws).</summary>
    public static TaskData Load(ulong seed = 0) =>
        new("two-moons", Generate(1000, 0.1, seed * 2 + 1), Generate(1000, 0.1, seed * 2 + 2),
            $"generated (make_moons, noise 0.1, seed {seed})", "none");
}
