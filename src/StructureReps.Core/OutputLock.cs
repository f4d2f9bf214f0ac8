namespace StructureReps.Core;

/// <summary>
/// An exclusive lock on an output folder for as long as a stage writes it (a `.lock` file opened without sharing,
/// which .NET turns into an advisory flock on Unix): a second process on the same folder is refused with a clear
/// message instead of interleaving its writes with the first one's. Released on dispose or when the process ends,
/// however it ends.
/// </summary>
public sealed class OutputLock : IDisposable
{
    public const string FileName = ".lock";
    /// <summary>Beside the lock: the holder's process id, readable while the lock is held (the lock file itself is not).</summary>
    public const string HolderFileName = ".lock-holder";

    private readonly FileStream _stream;

    private readonly string _holder;

    private OutputLock(FileStream stream, string holder) => (_stream, _holder) = (stream, holder);

    public static OutputLock Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var w = new StreamWriter(stream, leaveOpen: true)) w.Write($"{Environment.ProcessId}\n");
            stream.Flush();
            string holder = Path.Combine(directory, HolderFileName);
            AtomicFile.WriteAllText(holder, $"{Environment.ProcessId}\n");
            return new OutputLock(stream, holder);
        }
        catch (IOException)
        {
            throw new InvalidOperationException(
                $"{directory}: in use by another running process{Holder(directory)} (it holds {FileName}); wait for it to finish or use another --out");
        }
    }

    /// <summary>" (process 1234)", best effort: the holder wrote its id beside the lock after taking it.</summary>
    private static string Holder(string directory)
    {
        // The holder writes the file just after taking the lock: a refusal in between waits a moment for it.
        for (int attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                string path = Path.Combine(directory, HolderFileName);
                if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out int pid)) return $" (process {pid})";
            }
            catch (IOException) { }
            Thread.Sleep(20);
        }
        return "";
    }

    public void Dispose()
    {
        try { File.Delete(_holder); } catch (IOException) { } // a stale id must not name the next holder
        _stream.Dispose();
    }
}
