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

    private readonly FileStream _stream;

    private OutputLock(FileStream stream) => _stream = stream;

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
            return new OutputLock(stream);
        }
        catch (IOException)
        {
            throw new InvalidOperationException(
                $"{directory}: in use by another running process (it holds {FileName}); wait for it to finish or use another --out");
        }
    }

    public void Dispose() => _stream.Dispose();
}
