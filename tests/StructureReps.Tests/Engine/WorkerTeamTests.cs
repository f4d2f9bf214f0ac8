using StructureReps.Backends.Cpu;
using Xunit;

namespace StructureReps.Tests.Engine;

/// <summary>The CPU backend's own worker threads: every part runs once, errors surface as thrown, no deadlocks.</summary>
public sealed class WorkerTeamTests
{
    [Fact]
    public void With_one_worker_set_a_job_stays_on_the_calling_thread()
    {
        int saved = Parallelism.Workers;
        try
        {
            Parallelism.Workers = 1;
            var threads = new System.Collections.Concurrent.ConcurrentBag<int>();
            int covered = 0;
            Parallelism.For(64, 1 << 20, (begin, end) =>
            {
                threads.Add(Environment.CurrentManagedThreadId);
                Interlocked.Add(ref covered, end - begin);
                Thread.Sleep(1); // time for an idle team thread to claim a part, were any offered
            });
            Assert.Equal(64, covered);
            Assert.All(threads, t => Assert.Equal(Environment.CurrentManagedThreadId, t));
        }
        finally
        {
            Parallelism.Workers = saved;
        }
    }

    [Fact]
    public void Every_part_runs_exactly_once_across_many_jobs()
    {
        var team = new WorkerTeam(2);
        for (int job = 0; job < 2000; job++)
        {
            int parts = 1 + job % 7;
            var hits = new int[parts];
            team.Run(parts, p => Interlocked.Increment(ref hits[p]));
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void A_part_that_throws_surfaces_its_own_exception_after_the_others_finish()
    {
        var team = new WorkerTeam(2);
        int done = 0;
        var e = Assert.Throws<InvalidDataException>(() => team.Run(8, p =>
        {
            if (p == 3) throw new InvalidDataException("part 3");
            Interlocked.Increment(ref done);
        }));
        Assert.Equal("part 3", e.Message);
        Assert.Equal(7, done);
        team.Run(2, _ => Interlocked.Increment(ref done)); // still usable
        Assert.Equal(9, done);
    }

    [Fact]
    public void Nested_and_concurrent_jobs_run_on_the_caller_instead_of_deadlocking()
    {
        var team = new WorkerTeam(2);
        long total = 0;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 200; i++)
                team.Run(3, p => team.Run(2, q => Interlocked.Add(ref total, 1)));
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromSeconds(60))));
        Assert.Equal(4 * 200 * 3 * 2, total);
    }
}
