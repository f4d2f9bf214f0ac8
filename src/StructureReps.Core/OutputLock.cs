namespace StructureReps.Core;

/// <summary>
/// An exclusive lock on an output folder for as long as a stage writes it (a `.lock` file opened without sharing,
/// which .NET turns into an advisory flock on Unix): a second process on the same folder is refused with a clear
/// message instead of interleaving its writes with the first one's. Released on dispose or when the process ends,
/// however it ends.
/// <para>Sharded stages (array tasks of a cluster job writing one folder) take the folder's lock shared
/// (<see cref="AcquireShared"/>: many shards at once, but no unsharded writer) and an exclusive lock per item they
/// write (<c>Acquire(dir, "run-0003")</c>), so two processes never write the same run.</para>
/// </summary>
public sealed class OutputLock : IDisposable
{
    public const string FileName = ".lock";
    /// <summary>Beside the lock: the holder's process id and host, readable while the lock is held (the lock file itself is not).</summary>
    public const string HolderFileName = ".lock-holder";

    private readonly FileStream _stream;

    private readonly string? _holder;

    private OutputLock(FileStream stream, string? holder) => (_stream, _holder) = (stream, holder);

    /// <summary>The folder's lock, or with <paramref name="name"/> the lock of one item in it (<c>.lock-NAME</c>), exclusive.</summary>
    public static OutputLock Acquire(string directory, string? name = null)
    {
        Directory.CreateDirectory(directory);
        string lockName = name is null ? FileName : $"{FileName}-{name}";
        string path = Path.Combine(directory, lockName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var w = new StreamWriter(stream, leaveOpen: true)) w.Write($"{Environment.ProcessId}\n");
            stream.Flush();
            string holder = HolderPath(directory, lockName);
            AtomicFile.WriteAllText(holder, $"{Environment.ProcessId} {Environment.MachineName}\n");
            return new OutputLock(stream, holder);
        }
        catch (IOException)
        {
            string what = name is null ? directory : $"{directory}: {name}";
            throw new InvalidOperationException(
                $"{what}: in use by another running process{Holder(directory, lockName)} (it holds {lockName}); wait for it to finish, or write elsewhere").With(Remedy.OtherOutput);
        }
    }

    /// <summary>
    /// The folder's lock, shared: any number of shared holders at once (the shards of one stage), refused while an
    /// exclusive holder (an unsharded run of the stage) writes the folder, and refusing it in turn.
    /// </summary>
    public static OutputLock AcquireShared(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        try
        {
            // Read access with sharing allowed is a shared flock on Unix; FileShare.None above is the exclusive one.
            return new OutputLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite), null);
        }
        catch (IOException)
        {
            throw new InvalidOperationException(
                $"{directory}: in use by another running process{Holder(directory, FileName)} (it holds {FileName}); wait for it to finish, or write elsewhere").With(Remedy.OtherOutput);
        }
    }

    private static string HolderPath(string directory, string lockName) => Path.Combine(directory, lockName + "-holder");

    /// <summary>" (process 1234 on node7)", best effort: the holder wrote its id beside the lock after taking it.</summary>
    private static string Holder(string directory, string lockName)
    {
        // The holder writes the file just after taking the lock: a refusal in between waits a moment for it.
        for (int attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                string path = HolderPath(directory, lockName);
                var parts = File.Exists(path) ? File.ReadAllText(path).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries) : [];
                if (parts.Length > 0 && int.TryParse(parts[0], out int pid))
                    return parts.Length > 1 && parts[1] != Environment.MachineName ? $" (process {pid} on {parts[1]})" : $" (process {pid})";
            }
            catch (IOException) { }
            Thread.Sleep(20);
        }
        return "";
    }

    public void Dispose()
    {
        if (_holder is not null)
            try { File.Delete(_holder); } catch (IOException) { } // a stale id must not name the next holder
        _stream.Dispose();
    }
}
