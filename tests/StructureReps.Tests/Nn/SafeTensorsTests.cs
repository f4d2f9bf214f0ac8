using System.Buffers.Binary;
using System.Text;
using StructureReps.Core;
using StructureReps.Nn.Serialization;
using StructureReps.Tests.Support;

namespace StructureReps.Tests.Nn;

public class SafeTensorsTests
{
    [Fact]
    public void Round_trip_keeps_names_shapes_values_and_metadata()
    {
        using var dir = new TempDir();
        var rng = new Rng(5);
        var tensors = new List<NamedArray>
        {
            new("layers.0.weight", [3, 5], rng.UniformArray(15, -1, 1)),
            new("layers.0.bias", [3], [float.MinValue, -0f, float.Epsilon]),
            new("empty", [0, 4], []),
            new("scalar", [], [42f]),
        };
        SafeTensors.Write(dir.File("a.safetensors"), tensors, new Dictionary<string, string> { ["epoch"] = "7" });
        var (read, meta) = SafeTensors.Read(dir.File("a.safetensors"));
        Assert.Equal("7", meta["epoch"]);
        Assert.Equal(tensors.Count, read.Count);
        foreach (var t in tensors)
        {
            var r = read.Single(x => x.Name == t.Name);
            Assert.Equal(t.Shape, r.Shape);
            Assert.Equal(t.Data.Select(BitConverter.SingleToInt32Bits), r.Data.Select(BitConverter.SingleToInt32Bits));
        }
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp-*")); // the temporary file was renamed, not left behind
    }

    [Fact]
    public void Header_is_aligned_and_padded_with_spaces()
    {
        using var dir = new TempDir();
        SafeTensors.Write(dir.File("a.safetensors"), [new NamedArray("x", [1], [1f])]);
        var bytes = File.ReadAllBytes(dir.File("a.safetensors"));
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, n % 8);
        Assert.Equal(8 + (int)n + 4, bytes.Length);
        Assert.StartsWith("{", Encoding.UTF8.GetString(bytes, 8, (int)n));
    }

    private static string WriteRaw(TempDir dir, string header, int dataBytes, ulong? declaredLength = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)h.Length);
        h.CopyTo(bytes, 8);
        string path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[-4,4]}}""", 8, "a.data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "overlap")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, "beyond the 8 data bytes")]
    [InlineData("""{"a":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}}""", 8, "'Q7' is not supported")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "needs 12")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}}""", 8, "a.shape")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2]}}""", 8, "a.data_offsets")]
    [InlineData("""not json at all""", 8, "not valid JSON")]
    [InlineData("""[1, 2]""", 8, "JSON object")]
    public void Malformed_headers_are_rejected_with_the_field_named(string header, int dataBytes, string expected)
    {
        using var dir = new TempDir();
        string path = WriteRaw(dir, header, dataBytes);
        var e = Assert.Throws<DataFormatException>(() => SafeTensors.Read(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Huge_header_length_is_rejected_before_any_allocation()
    {
        using var dir = new TempDir();
        string path = WriteRaw(dir, "{}", 0, declaredLength: 1UL << 60);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => SafeTensors.Read(path));
        Assert.Contains("header length", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "a huge declared header must not be allocated");
    }

    [Fact]
    public void Header_longer_than_the_file_is_rejected()
    {
        using var dir = new TempDir();
        string path = WriteRaw(dir, "{}", 0, declaredLength: 4096);
        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => SafeTensors.Read(path)).Message);
    }

    [Fact]
    public void File_shorter_than_the_length_field_is_rejected()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("tiny.safetensors"), [1, 2, 3]);
        Assert.Contains("fewer than the 8-byte", Assert.Throws<DataFormatException>(() => SafeTensors.Read(dir.File("tiny.safetensors"))).Message);
    }

    [Fact]
    public void Reads_half_precision_and_bfloat16()
    {
        using var dir = new TempDir();
        var data = new byte[8];
        BinaryPrimitives.WriteHalfLittleEndian(data, (Half)1.5f);
        BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(2), (Half)(-2f));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(4), (ushort)(BitConverter.SingleToInt32Bits(3.0f) >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(6), (ushort)(BitConverter.SingleToInt32Bits(-0.5f) >> 16));
        string header = """{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}}""";
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        File.WriteAllBytes(dir.File("half.safetensors"), bytes);
        var (t, _) = SafeTensors.Read(dir.File("half.safetensors"));
        Assert.Equal([1.5f, -2f], t.Single(x => x.Name == "h").Data);
        Assert.Equal([3f, -0.5f], t.Single(x => x.Name == "b").Data);
    }
}
