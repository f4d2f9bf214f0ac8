using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;
using StructureReps.Core;

namespace StructureReps.Zoo.Data;

/// <summary>
/// Image-classification data as a zip of JPEGs in class folders (`&lt;split&gt;/&lt;class&gt;/&lt;file&gt;.jpg`): CIFAR-10's
/// 60,000-image zip and the Tiny-ImageNet subset. Decoded with SkiaSharp to RGB (grayscale images are expanded
/// to three equal channels), resized to size×size when they differ, and cached as raw bytes after the first
/// decode (STRUCTUREREPS_CACHE or ~/.cache/structurereps), keyed by the zip's size, time and the options.
/// </summary>
public static class JpegFolderZip
{
    private const int CacheMagic = 0x31474D49; // "IMG1"

    /// <summary>Pixels [n, 3, size, size] as bytes, and labels by the index of the class folder in <paramref name="classes"/>.</summary>
    public static (byte[] Pixels, int[] Labels) Read(string zipPath, string split, IReadOnlyList<string> classes, int size, bool useCache = true)
    {
        string cache = CachePath(zipPath, split, size);
        if (useCache && TryReadCache(cache, size) is { } cached) return cached;
        var entries = new List<(string Name, int Label, byte[] Bytes)>();
        try
        {
            using var zip = ZipFile.OpenRead(zipPath);
            var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
            foreach (var e in zip.Entries)
            {
                var parts = e.FullName.Split('/');
                if (parts.Length != 3 || parts[0] != split || parts[2].Length == 0) continue;
                if (!parts[2].EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) && !parts[2].EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)) continue;
                if (!index.TryGetValue(parts[1], out int label))
                    throw new DataFormatException(zipPath, e.FullName, $"class folder '{parts[1]}' is not one of the {classes.Count} classes");
                using var s = e.Open();
                var bytes = new byte[e.Length];
                s.ReadExactly(bytes);
                entries.Add((e.FullName, label, bytes));
            }
        }
        catch (InvalidDataException e) { throw new DataFormatException(zipPath, "zip", $"not a readable zip archive ({e.Message})"); } // carries no file name
        catch (EndOfStreamException e) { throw new DataFormatException(zipPath, "zip", $"an entry is shorter than its header says ({e.Message})"); }
        if (entries.Count == 0) throw new DataFormatException(zipPath, split, $"no {split}/<class>/*.jpg entries");
        entries.Sort((a, b) => a.Label != b.Label ? a.Label.CompareTo(b.Label) : string.CompareOrdinal(a.Name, b.Name));
        int plane = size * size;
        var pixels = new byte[entries.Count * 3 * plane];
        try
        {
            Parallel.For(0, entries.Count, i => Decode(zipPath, entries[i].Name, entries[i].Bytes, size, pixels.AsSpan(i * 3 * plane, 3 * plane)));
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<DataFormatException>().FirstOrDefault() is { } first)
        {
            throw first; // the first bad image, named, rather than a wrapper
        }
        var labels = entries.Select(e => e.Label).ToArray();
        if (useCache) WriteCache(cache, size, pixels, labels);
        return (pixels, labels);
    }

    private static void Decode(string zipPath, string name, byte[] jpeg, int size, Span<byte> rgbPlanes)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(jpeg))
            ?? throw new DataFormatException(zipPath, name, "not a decodable image");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var decoded = SKBitmap.Decode(codec, info) ?? throw new DataFormatException(zipPath, name, "JPEG decoding failed");
        SKBitmap bitmap = decoded;
        SKBitmap? resized = null;
        if (decoded.Width != size || decoded.Height != size)
        {
            resized = decoded.Resize(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
                ?? throw new DataFormatException(zipPath, name, $"resizing {decoded.Width}×{decoded.Height} to {size}×{size} failed");
            bitmap = resized;
        }
        try
        {
            var rgba = bitmap.GetPixelSpan();
            int plane = size * size;
            for (int p = 0; p < plane; p++)
            {
                rgbPlanes[p] = rgba[4 * p];
                rgbPlanes[plane + p] = rgba[4 * p + 1];
                rgbPlanes[2 * plane + p] = rgba[4 * p + 2];
            }
        }
        finally { resized?.Dispose(); }
    }

    private static string CachePath(string zipPath, string split, int size)
    {
        var root = Environment.GetEnvironmentVariable("STRUCTUREREPS_CACHE");
        if (string.IsNullOrEmpty(root)) root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "structurereps");
        var fi = new FileInfo(zipPath);
        return Path.Combine(root, $"{Path.GetFileNameWithoutExtension(zipPath)}-{fi.Length}-{fi.LastWriteTimeUtc.Ticks}-{split}-{size}.img");
    }

    private static (byte[], int[])? TryReadCache(string path, int size)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var s = File.OpenRead(path);
            var header = new byte[12];
            s.ReadExactly(header);
            int n = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
            if (BinaryPrimitives.ReadInt32LittleEndian(header) != CacheMagic || BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)) != size || n <= 0
                || s.Length != 12 + 4L * n + 3L * size * size * n)
                return null; // a stale or damaged cache is rebuilt, not trusted
            var labelBytes = new byte[4 * n];
            s.ReadExactly(labelBytes);
            var labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = BinaryPrimitives.ReadInt32LittleEndian(labelBytes.AsSpan(4 * i));
            var pixels = new byte[3L * size * size * n];
            s.ReadExactly(pixels);
            return (pixels, labels);
        }
        catch (IOException) { return null; }
    }

    private static void WriteCache(string path, int size, byte[] pixels, int[] labels)
    {
        try
        {
            AtomicFile.Write(path, s =>
            {
                var header = new byte[12 + 4 * labels.Length];
                BinaryPrimitives.WriteInt32LittleEndian(header, CacheMagic);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), labels.Length);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), size);
                for (int i = 0; i < labels.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12 + 4 * i), labels[i]);
                s.Write(header);
                s.Write(pixels);
            });
        }
        catch (IOException) { /* no writable cache folder: decode again next time */ }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// One split as a dataset: decoded (or from the cache), checked to hold <paramref name="expected"/> images,
    /// pixels /255, in a fixed shuffled order (seed 0) — the zip is sorted by class, and a prefix of it
    /// (--max-train, data fractions) must not be one class.
    /// </summary>
    public static Dataset LoadSplit(string zipPath, string split, IReadOnlyList<string> classes, int size, int expected)
    {
        var (pixels, labels) = Read(zipPath, split, classes, size);
        if (labels.Length != expected)
            throw new DataFormatException(zipPath, split, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{labels.Length} images, expected {expected:N0}"));
        var order = Enumerable.Range(0, labels.Length).ToArray();
        new Rng(0).Shuffle(order);
        int sample = 3 * size * size;
        var x = new float[labels.Length * sample];
        for (int i = 0; i < order.Length; i++)
        {
            var src = pixels.AsSpan(order[i] * sample, sample);
            var dst = x.AsSpan(i * sample, sample);
            for (int k = 0; k < sample; k++) dst[k] = src[k] / 255f;
        }
        return new Dataset(x, [3, size, size], order.Select(i => labels[i]).ToArray(), null, classes.Count);
    }
}
