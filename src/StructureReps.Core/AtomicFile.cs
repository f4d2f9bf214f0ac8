namespace StructureReps.Core;

/// <summary>
/// Writes a file under a temporary name in the same folder and renames it into place, so a crash or an
/// interrupt never leaves a half-written file under the final name.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>
    /// Deletes the temporary files (NAME.tmp-PID-GUID) that a killed process left in <paramref name="directory"/>
    /// (and below it): those whose process is no longer running. A live process's files, this one's included, stay,
    /// so a concurrent writer's rename is never broken. Returns how many were removed.
    /// </summary>
    public static int RemoveOrphans(string directory) =>
        Remove(directory, "*.tmp-*", SearchOption.AllDirectories, pid => !IsRunning(pid));

    /// <summary>
    /// Deletes the temporary files in <paramref name="directory"/> (not below it), or only those of one file name
    /// (<paramref name="target"/>.tmp-PID-GUID), left by any other process. Call it only while holding the lock
    /// that makes this process their one writer: then every such file is an orphan, whatever its PID says (on a
    /// cluster's shared file system the PID may be another node's, where <see cref="RemoveOrphans"/> cannot tell).
    /// </summary>
    public static int RemoveTemporaries(string directory, string? target = null) =>
        Remove(directory, (target ?? "*") + ".tmp-*", SearchOption.TopDirectoryOnly, _ => true);

    /// <summary>Deletes our temporary files matching <paramref name="pattern"/> that another process left, when <paramref name="orphaned"/> says so of its PID.</summary>
    private static int Remove(string directory, string pattern, SearchOption depth, Func<int, bool> orphaned)
    {
        if (!Directory.Exists(directory)) return 0;
        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(directory, pattern, depth))
        {
            if (OwnerProcess(file) is not int pid || pid == Environment.ProcessId || !orphaned(pid)) continue;
            try { File.Delete(file); removed++; }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>The PID in a temporary file's name, or null for a file that is not one of ours.</summary>
    private static int? OwnerProcess(string file)
    {
        string name = Path.GetFileName(file);
        int at = name.LastIndexOf(".tmp-", StringComparison.Ordinal);
        if (at < 0) return null;
        var parts = name[(at + 5)..].Split('-');
        return parts.Length == 2 && parts[1].Length == 32 && int.TryParse(parts[0], out int pid) ? pid : null;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });
}
