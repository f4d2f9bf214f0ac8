using System.IO.Compression;
using System.Security.Cryptography;
using StructureReps.Core;

namespace StructureReps.Zoo.Data;

/// <summary>Opening, checksumming and line-reading data files, with errors that name the file.</summary>
public static class DataFiles
{
    /// <summary>The default data folder: ../shared/datasets from the repository root (or STRUCTUREREPS_DATA).</summary>
    public static string DefaultRoot()
    {
        var env = Environment.GetEnvironmentVariable("STRUCTUREREPS_DATA");
        if (!string.IsNullOrEmpty(env)) return env;
        // Walk up from the working directory and from the binary to the folder that holds shared/datasets.
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "datasets");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        return Path.GetFullPath(Path.Combine("..", "shared", "datasets"));
    }

    public static string Require(string path, string what)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: not found ({what}); see ../shared/datasets/README.md, or point at the datasets folder", path).With(Remedy.DataRoot);
        return path;
    }

    /// <summary>Fails unless the file's sha256 is the expected one (hex, lower case).</summary>
    public static void VerifySha256(string path, string expected)
    {
        using var stream = File.OpenRead(path);
        string actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual != expected)
            throw new DataFormatException(path, "sha256", $"expected {expected}, got {actual} (a different or damaged copy)");
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Opens a file, transparently gunzipping a .gz (a damaged one fails naming the file).</summary>
    public static Stream Open(string path)
    {
        Stream s = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.Ordinal) ? new NamedGzip(path, new GZipStream(s, CompressionMode.Decompress)) : s;
    }

    /// <summary>A gzip stream whose corrupt-data errors (InvalidDataException, no file name) become DataFormatException.</summary>
    private sealed class NamedGzip(string path, GZipStream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try { return inner.Read(buffer); }
            catch (InvalidDataException e) { throw new DataFormatException(path, "gzip", $"damaged or not gzip data ({e.Message})"); }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Parses the comma-separated numbers of a line into <paramref name="values"/>; the count must match exactly.
    /// </summary>
    public static void ParseCsvLine(string line, Span<float> values, string file, int lineNumber)
    {
        var rest = line.AsSpan().TrimEnd('\r');
        int k = 0;
        while (true)
        {
            int comma = rest.IndexOf(',');
            var cell = comma < 0 ? rest : rest[..comma];
            if (k >= values.Length)
                throw new DataFormatException(file, $"line {lineNumber}", $"more than the expected {values.Length} columns");
            if (!float.TryParse(cell, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[k]))
                throw new DataFormatException(file, $"line {lineNumber}, column {k + 1}", $"'{cell.ToString()}' is not a number");
            if (!float.IsFinite(values[k])) // a NaN cell would make the whole run's loss and R² NaN
                throw new DataFormatException(file, $"line {lineNumber}, column {k + 1}", $"'{cell.ToString()}': expected a finite number");
            k++;
            if (comma < 0) break;
            rest = rest[(comma + 1)..];
        }
        if (k != values.Length)
            throw new DataFormatException(file, $"line {lineNumber}", $"{k} columns, expected {values.Length}");
    }

    /// <summary>Reads a numeric CSV with exactly <paramref name="columns"/> columns per line and no header.</summary>
    public static (float[] Values, int Rows) ReadNumericCsv(Stream stream, string file, int columns, int? expectedRows = null)
    {
        using var reader = new StreamReader(stream);
        var values = new List<float>(expectedRows is { } r ? r * columns : 1 << 16);
        var row = new float[columns];
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line == "\r") continue;
            ParseCsvLine(line, row, file, lineNumber);
            values.AddRange(row);
        }
        int rows = values.Count / columns;
        if (expectedRows is { } expected && rows != expected)
            throw new DataFormatException(file, "rows", $"{rows} rows, expected {expected} (truncated file?)");
        return (values.ToArray(), rows);
    }
}
