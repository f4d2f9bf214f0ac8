using System.Diagnostics;

namespace StructureReps.Benchmarks;

/// <summary>The plain-timing modes' clock (peer, pe): median wall time of repeated runs after a warm-up.</summary>
public static class Timing
{
    public static double MedianMs(int repeats, Action action, int warmup)
    {
        for (int i = 0; i < warmup; i++) action();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }
}
