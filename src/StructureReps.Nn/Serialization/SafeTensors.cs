using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using StructureReps.Core;

namespace StructureReps.Nn.Serialization;

/// <summary>One named tensor of a safetensors file, converted to float32 (row-major, as stored).</summary>
public sealed record NamedArray(string Name, int[] Shape, float[] Data)
{
    public int Length => Data.Length;
}

/// <summary>
/// The safetensors format (huggingface/safetensors): 8-byte little-endian header length n, n bytes of JSON
/// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, then the raw
/// little-endian data; offsets are relative to the end of the header. We write F32 and read F32, F64, F16, BF16
/// (converted to float32). The reader never trusts the file: the header length is bounded by the file size and a
/// cap, every offset pair is checked against the shape, the dtype and the data size, and overlapping tensors are
/// rejected — all before any tensor-sized allocation.
/// </summary>
public static class SafeTensors
{
    /// <summary>Headers above this are refused (the reference implementation caps at 100 MB too).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public static void Write(string path, IEnumerable<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var names = new HashSet<string>();
        foreach (var t in list)
        {
            if (!names.Add(t.Name)) throw new ArgumentException($"safetensors: tensor name '{t.Name}' appears twice");
            if (t.Shape.Aggregate(1L, (a, d) => a * d) != t.Data.Length)
                throw new ArgumentException($"safetensors: tensor '{t.Name}' shape [{string.Join(", ", t.Shape)}] does not hold {t.Data.Length} values");
        }
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in list)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += 4L * t.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // Pad the header with spaces to a multiple of 8 so the data is aligned, as the reference writer does.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            header.Position = 0;
            header.CopyTo(stream);
            var buffer = new byte[1 << 16];
            foreach (var t in list)
            {
                for (int start = 0; start < t.Data.Length; start += buffer.Length / 4)
                {
                    int count = Math.Min(buffer.Length / 4, t.Data.Length - start);
                    for (int i = 0; i < count; i++)
                        BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), t.Data[start + i]);
                    stream.Write(buffer, 0, 4 * count);
                }
            }
        });
    }

    /// <summary>Reads every tensor, in data-offset order. Throws <see cref="DataFormatException"/> on a malformed file.</summary>
    public static (List<NamedArray> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        using var stream = OpenOrThrow(path);
        return Read(stream, path);
    }

    /// <summary>
    /// Reads every tensor from a seekable stream (a file's bytes held in memory, for hosts without a file system);
    /// <paramref name="path"/> names the data in errors.
    /// </summary>
    public static (List<NamedArray> Tensors, Dictionary<string, string> Metadata) Read(Stream stream, string path)
    {
        var (entries, metadata, dataStart) = ReadHeader(path, stream);
        var result = new List<NamedArray>(entries.Count);
        foreach (var e in entries)
        {
            var bytes = new byte[e.End - e.Begin];
            stream.Position = dataStart + e.Begin;
            stream.ReadExactly(bytes);
            result.Add(new NamedArray(e.Name, e.Shape, Decode(bytes, e.DType)));
        }
        return (result, metadata);
    }

    /// <summary>Reads only the header: names, dtypes and shapes (cheap, for listings and validation).</summary>
    public static (List<(string Name, string DType, int[] Shape)> Tensors, Dictionary<string, string> Metadata) ReadInfo(string path)
    {
        using var stream = OpenOrThrow(path);
        var (entries, metadata, _) = ReadHeader(path, stream);
        return (entries.Select(e => (e.Name, e.DType, e.Shape)).ToList(), metadata);
    }

    private sealed record Entry(string Name, string DType, int[] Shape, long Begin, long End);

    private static FileStream OpenOrThrow(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such safetensors file", path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    private static int DTypeSize(string dtype) => dtype switch
    {
        "F32" => 4,
        "F64" => 8,
        "F16" or "BF16" => 2,
        _ => 0,
    };

    private static (List<Entry>, Dictionary<string, string>, long DataStart) ReadHeader(string path, Stream stream)
    {
        long fileLength = stream.Length;
        if (fileLength < 8) throw new DataFormatException(path, "header length", $"the file has {fileLength} bytes, fewer than the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes)
            throw new DataFormatException(path, "header length", $"{headerLength} bytes is above the {MaxHeaderBytes}-byte limit (not a safetensors file?)");
        if ((long)headerLength > fileLength - 8)
            throw new DataFormatException(path, "header length", $"{headerLength} bytes but only {fileLength - 8} follow (truncated file?)");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength, dataLength = fileLength - dataStart;

        JsonDocument doc;
        try { doc = JsonDocument.Parse(headerBytes); }
        catch (JsonException e) { throw new DataFormatException(path, "header", $"not valid JSON ({e.Message})"); }
        try { return ParseHeader(path, doc, dataStart, dataLength); }
        catch (InvalidOperationException e) { throw new DataFormatException(path, "header", $"not a safetensors header ({e.Message})"); } // e.g. invalid UTF-8 in a name
        finally { doc.Dispose(); }
    }

    private static (List<Entry>, Dictionary<string, string>, long DataStart) ParseHeader(string path, JsonDocument doc, long dataStart, long dataLength)
    {
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(path, "header", "expected a JSON object of tensors");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                        throw new DataFormatException(path, "__metadata__", "expected an object of strings");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw new DataFormatException(path, $"__metadata__.{m.Name}", "expected a string value");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(path, prop, dataLength));
            }
            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            for (int i = 1; i < entries.Count; i++)
                if (entries[i].Begin < entries[i - 1].End)
                    throw new DataFormatException(path, entries[i].Name,
                        $"data_offsets [{entries[i].Begin}, {entries[i].End}] overlap '{entries[i - 1].Name}' [{entries[i - 1].Begin}, {entries[i - 1].End}]");
            return (entries, metadata, dataStart);
        }
    }

    private static Entry ParseEntry(string path, JsonProperty prop, long dataLength)
    {
        string name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object) throw new DataFormatException(path, name, "expected an object with dtype, shape, data_offsets");
        if (!v.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String)
            throw new DataFormatException(path, $"{name}.dtype", "missing or not a string");
        string dtype = dtypeEl.GetString()!;
        int size = DTypeSize(dtype);
        if (size == 0) throw new DataFormatException(path, $"{name}.dtype", $"'{dtype}' is not supported (expected F32, F64, F16 or BF16)");
        if (!v.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array)
            throw new DataFormatException(path, $"{name}.shape", "missing or not an array");
        var shape = new int[shapeEl.GetArrayLength()];
        long count = 1;
        int k = 0;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim) || dim < 0)
                throw new DataFormatException(path, $"{name}.shape", $"dimension {k} is not a non-negative 32-bit integer");
            shape[k++] = dim;
            count *= dim;
            if (count > int.MaxValue) throw new DataFormatException(path, $"{name}.shape", "more than 2³¹ elements");
        }
        if (!v.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw new DataFormatException(path, $"{name}.data_offsets", "missing or not a [begin, end] pair");
        if (offEl[0].ValueKind != JsonValueKind.Number || offEl[1].ValueKind != JsonValueKind.Number
            || !offEl[0].TryGetInt64(out long begin) || !offEl[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new DataFormatException(path, $"{name}.data_offsets", "expected 0 ≤ begin ≤ end (integers)");
        if (end > dataLength)
            throw new DataFormatException(path, $"{name}.data_offsets", $"end {end} is beyond the {dataLength} data bytes in the file (truncated?)");
        if (end - begin != count * size)
            throw new DataFormatException(path, $"{name}.data_offsets",
                $"[{begin}, {end}] holds {end - begin} bytes, but {dtype} [{string.Join(", ", shape)}] needs {count * size}");
        return new Entry(name, dtype, shape, begin, end);
    }

    private static float[] Decode(byte[] bytes, string dtype)
    {
        int size = DTypeSize(dtype), n = bytes.Length / size;
        var data = new float[n];
        for (int i = 0; i < n; i++)
        {
            var s = bytes.AsSpan(i * size, size);
            data[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(s),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(s),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(s),
                _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(s) << 16), // BF16
            };
        }
        return data;
    }

    /// <summary>Formats a header listing for `show` commands.</summary>
    public static string Describe(string path)
    {
        var (tensors, metadata) = ReadInfo(path);
        var sb = new StringBuilder();
        foreach (var (name, dtype, shape) in tensors) sb.AppendLine($"{name,-32} {dtype,-4} [{string.Join(", ", shape)}]");
        foreach (var (k, v) in metadata) sb.AppendLine($"# {k} = {v}");
        return sb.ToString();
    }
}
