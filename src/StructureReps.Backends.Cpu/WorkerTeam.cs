using System.Runtime.ExceptionServices;

namespace StructureReps.Backends.Cpu;

/// <summary>
/// The CPU backend's own threads: <c>Workers − 1</c> dedicated background threads plus the calling thread run the
/// parts of one job, each part claimed once (Interlocked), so which thread runs a part never changes its result.
/// Why not the .NET thread pool: between the many short parallel ops of a training step its idle workers spin in
/// sched_yield (LowLevelLifoSemaphore), which perf showed as 10 % of a CNN epoch's samples in the kernel. Ours
/// wait with pause-instruction spins (no system call) for some microseconds, then sleep on a monitor.
/// A job started while another is running (another thread's op, or a nested call) runs on the caller alone.
/// </summary>
internal sealed class WorkerTeam
{
    private const int SpinIterations = 2000; // × Thread.SpinWait(20): tens of microseconds of pause instructions

    /// <summary>One job's parts and counters: a late worker still holding a finished job finds nothing left in it.</summary>
    private sealed class Job(Action<int> part, int parts)
    {
        public readonly Action<int> Part = part;
        public readonly int Parts = parts;
        public int Next;
        public int Remaining = parts;
        public ExceptionDispatchInfo? Error;
    }

    private readonly object _gate = new();
    private Job? _job;
    private long _generation;
    private int _running; // 1 while a job runs: a nested or concurrent Run goes serial (a Monitor would re-enter)

    public WorkerTeam(int workers)
    {
        Threads = Math.Max(1, workers);
        for (int i = 1; i < Threads; i++)
            new Thread(WorkerLoop) { IsBackground = true, Name = $"StructureReps CPU worker {i}" }.Start();
    }

    /// <summary>Threads that run a job, the caller included.</summary>
    public int Threads { get; }

    /// <summary>Runs part(0) … part(parts − 1), on this thread and the team's, and returns when all are done.</summary>
    public void Run(int parts, Action<int> part)
    {
        if (parts <= 0) return;
        if (parts == 1 || Threads == 1 || Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            for (int p = 0; p < parts; p++) part(p);
            return;
        }
        try
        {
            var job = new Job(part, parts);
            Volatile.Write(ref _job, job);
            lock (_gate)
            {
                Interlocked.Increment(ref _generation);
                Monitor.PulseAll(_gate);
            }
            Work(job);
            // Wait for the parts other threads claimed: spin briefly, then sleep until the last one pulses.
            for (int i = 0; Volatile.Read(ref job.Remaining) > 0 && i < SpinIterations; i++) Thread.SpinWait(20);
            if (Volatile.Read(ref job.Remaining) > 0)
                lock (_gate)
                    while (Volatile.Read(ref job.Remaining) > 0) Monitor.Wait(_gate);
            Volatile.Write(ref _job, null);
            job.Error?.Throw();
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private void Work(Job job)
    {
        int p;
        while ((p = Interlocked.Increment(ref job.Next) - 1) < job.Parts)
        {
            try { job.Part(p); }
            catch (Exception e) { Interlocked.CompareExchange(ref job.Error, ExceptionDispatchInfo.Capture(e), null); }
            if (Interlocked.Decrement(ref job.Remaining) == 0)
                lock (_gate) Monitor.PulseAll(_gate);
        }
    }

    private void WorkerLoop()
    {
        long seen = 0;
        while (true)
        {
            // Spin a little for the next job (ops follow each other closely), then sleep.
            for (int i = 0; Interlocked.Read(ref _generation) == seen && i < SpinIterations; i++) Thread.SpinWait(20);
            if (Interlocked.Read(ref _generation) == seen)
                lock (_gate)
                    while (Interlocked.Read(ref _generation) == seen) Monitor.Wait(_gate);
            seen = Interlocked.Read(ref _generation);
            if (Volatile.Read(ref _job) is { } job) Work(job);
        }
    }
}
