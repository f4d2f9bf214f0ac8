using StructureReps.Core.Backends;
namespace StructureReps.Core;

/// <summary>
/// The engine's seeded random source: xoshiro256** seeded through SplitMix64. Its stream is fixed by this
/// file alone (not by the runtime's System.Random), so a seed gives the same numbers on every machine and
/// .NET version, and seeded runs on the CPU backends are reproducible bit for bit.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>An independent stream derived from this seed and <paramref name="stream"/> (per run, per layer…).</summary>
    public static Rng Derive(ulong seed, ulong stream)
    {
        ulong x = seed ^ (stream * 0x9E3779B97F4A7C15UL);
        return new Rng(SplitMix(ref x));
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be positive");
        return (int)((NextUInt64() >> 33) * (ulong)n >> 31);
    }

    /// <summary>Standard normal (Box–Muller, the second value kept for the next call).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is double spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareGaussian = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(T[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>n values from U[lo, hi), as floats.</summary>
    public float[] UniformArray(int n, double lo, double hi)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float)Uniform(lo, hi);
        return values;
    }

    /// <summary>n values from N(mean, std²), as floats.</summary>
    public float[] NormalArray(int n, double mean = 0, double std = 1)
    {
        var values = new float[n];
        FillNormal(values, mean, std);
        return values;
    }

    /// <summary>Fills <paramref name="values"/> from N(mean, std²): the same draws as <see cref="NormalArray"/>.</summary>
    public void FillNormal(Span<float> values, double mean = 0, double std = 1)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)(mean + std * NextGaussian());
    }

    /// <summary>A tensor of N(mean, std²) draws, staged in the current step's host arrays (no garbage per step).</summary>
    public Tensor NormalTensor(int[] shape, IBackend backend, double mean = 0, double std = 1)
    {
        var values = Memory.BufferScope.HostFloats(Shapes.Count(shape), zeroed: false);
        FillNormal(values, mean, std);
        return Tensor.From(values, shape, backend);
    }
}
