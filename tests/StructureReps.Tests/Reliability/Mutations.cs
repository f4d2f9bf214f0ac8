using System.Text;
using System.Text.Json.Nodes;

namespace StructureReps.Tests.Reliability;

/// <summary>
/// The damage the fault suite does: to any file's bytes, to text (CSV and JSON lines), to JSON values, and to a
/// safetensors header (its length prefix and its JSON). Each takes the pristine bytes and a seeded Random.
/// </summary>
internal static class Mutations
{
    public static readonly IReadOnlyList<Mutation> Binary =
    [
        new("truncate", (b, r) => b[..r.Next(b.Length)]),
        new("truncate near the end", (b, r) => b[..Math.Max(0, b.Length - 1 - r.Next(Math.Min(b.Length, 16)))]),
        new("empty", (_, _) => []),
        new("bit flip in the header", (b, r) => Flip(b, r, Math.Min(b.Length, 256))),
        new("bit flip anywhere", (b, r) => Flip(b, r, b.Length)),
        new("zeroed block", (b, r) => Zero(b, r)),
        new("bytes appended", (b, r) => [.. b, .. RandomBytes(r, 1 + r.Next(64))]),
    ];

    public static readonly IReadOnlyList<Mutation> Text =
    [
        new("NaN cell", (b, r) => ReplaceCell(b, r, "NaN")),
        new("Infinity cell", (b, r) => ReplaceCell(b, r, r.Next(2) == 0 ? "Infinity" : "-inf")),
        new("garbage cell", (b, r) => ReplaceCell(b, r, "x1y")),
        new("huge cell", (b, r) => ReplaceCell(b, r, "1e400")),
        new("empty cell", (b, r) => ReplaceCell(b, r, "")),
        new("line removed", (b, r) => EditLines(b, lines => lines.RemoveAt(r.Next(lines.Count)))),
        new("line duplicated", (b, r) => EditLines(b, lines => { int i = r.Next(lines.Count); lines.Insert(i, lines[i]); })),
        new("cell dropped", (b, r) => EditLines(b, lines => { int i = r.Next(lines.Count); int c = lines[i].LastIndexOf(','); if (c >= 0) lines[i] = lines[i][..c]; })),
        new("cell added", (b, r) => EditLines(b, lines => { int i = r.Next(lines.Count); lines[i] += ",7"; })),
        new("only the header", (b, _) => EditLines(b, lines => lines.RemoveRange(1, lines.Count - 1))),
    ];

    public static readonly IReadOnlyList<Mutation> Json =
    [
        new("JSON value of another type", (b, r) => EditJson(b, r, (parent, key) => parent[key] = OtherType(parent[key], r))),
        new("JSON field removed", (b, r) => EditJson(b, r, (parent, key) => Remove(parent, key))),
        new("JSON number huge", (b, r) => EditJson(b, r, (parent, key) => parent[key] = r.Next(2) == 0 ? JsonValue.Create(int.MaxValue) : JsonValue.Create(-1))),
        new("JSON null", (b, r) => EditJson(b, r, (parent, key) => parent[key] = null)),
    ];

    /// <summary>The header of a safetensors file: its 8-byte length and its JSON (dtypes, shapes, offsets, metadata).</summary>
    public static readonly IReadOnlyList<Mutation> SafeTensorsHeader =
    [
        new("header length huge", (b, r) => WithLength(b, r.Next(3) switch { 0 => long.MaxValue, 1 => 1L << 40, _ => (long)b.Length })),
        new("header length off by a little", (b, r) => WithLength(b, HeaderLength(b) + r.Next(1, 9) * (r.Next(2) == 0 ? 1 : -1))),
        new("header length negative", (b, _) => WithLength(b, -8)),
        new("header JSON value of another type", (b, r) => EditHeader(b, r, (parent, key) => parent[key] = OtherType(parent[key], r))),
        new("header JSON field removed", (b, r) => EditHeader(b, r, (parent, key) => Remove(parent, key))),
        new("header JSON number huge", (b, r) => EditHeader(b, r, (parent, key) => parent[key] = r.Next(2) == 0 ? JsonValue.Create(long.MaxValue / 2) : JsonValue.Create(-3))),
        new("dtype changed", (b, r) => EditHeader(b, r, (parent, key) => parent[key] = JsonValue.Create(new[] { "F64", "I8", "BOOL", "F16", "Q4" }[r.Next(5)]), key => key == "dtype")),
        new("metadata value garbled", (b, r) => EditHeader(b, r, (parent, key) => parent[key] = JsonValue.Create(new[] { "-1", "x", "{", "1e9", "", "[1,2]" }[r.Next(6)]), key => key != "dtype" && key != "shape" && key != "data_offsets")),
        new("NaN in the data", (b, r) => PoisonFloat(b, r, float.NaN)),
        new("Infinity in the data", (b, r) => PoisonFloat(b, r, float.PositiveInfinity)),
    ];

    private static byte[] Flip(byte[] b, Random r, int within)
    {
        if (within == 0) return b;
        var c = (byte[])b.Clone();
        c[r.Next(within)] ^= (byte)(1 << r.Next(8));
        return c;
    }

    private static byte[] Zero(byte[] b, Random r)
    {
        if (b.Length == 0) return b;
        var c = (byte[])b.Clone();
        int start = r.Next(c.Length);
        Array.Clear(c, start, Math.Min(c.Length - start, 1 + r.Next(32)));
        return c;
    }

    private static byte[] RandomBytes(Random r, int n)
    {
        var c = new byte[n];
        r.NextBytes(c);
        return c;
    }

    private static byte[] EditLines(byte[] b, Action<List<string>> edit)
    {
        var lines = Encoding.UTF8.GetString(b).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0) return b;
        edit(lines);
        return Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
    }

    /// <summary>One comma-separated cell of a line after the first (for CSV; in JSON text it lands in a value or breaks it).</summary>
    private static byte[] ReplaceCell(byte[] b, Random r, string value) => EditLines(b, lines =>
    {
        int i = lines.Count > 1 ? 1 + r.Next(lines.Count - 1) : 0;
        var cells = lines[i].Split(',');
        cells[r.Next(cells.Length)] = value;
        lines[i] = string.Join(',', cells);
    });

    private static JsonNode OtherType(JsonNode? node, Random r) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out _) => JsonValue.Create(r.Next(2) == 0 ? 3.5 : 12),
        JsonValue => JsonValue.Create("seven"),
        JsonArray => new JsonObject { ["a"] = 1 },
        _ => new JsonArray(1, 2, 3),
    };

    private static void Remove(JsonNode parent, string key)
    {
        if (parent is JsonObject o) o.Remove(key);
        else if (parent is JsonArray a) a.RemoveAt(int.Parse(key));
    }

    /// <summary>Every (parent, key) of a JSON tree, leaves and inner nodes alike.</summary>
    private static List<(JsonNode Parent, string Key)> Slots(JsonNode root)
    {
        var slots = new List<(JsonNode, string)>();
        void Walk(JsonNode node)
        {
            if (node is JsonObject o)
                foreach (var (k, v) in o.ToList()) { slots.Add((o, k)); if (v is not null) Walk(v); }
            else if (node is JsonArray a)
                for (int i = 0; i < a.Count; i++) { slots.Add((a, i.ToString())); if (a[i] is { } v) Walk(v); }
        }
        Walk(root);
        return slots;
    }

    private static JsonNode? Get(JsonNode parent, string key) => parent is JsonArray a ? a[int.Parse(key)] : parent[key];

    private static void Set(JsonNode parent, string key, JsonNode? value)
    {
        if (parent is JsonArray a) a[int.Parse(key)] = value;
        else parent[key] = value;
    }

    /// <summary>Applies <paramref name="edit"/> at a random slot of a JSON document (the file unchanged if it is not one).</summary>
    private static byte[] EditJson(byte[] b, Random r, Action<JsonNode, string> edit)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(b); } catch (System.Text.Json.JsonException) { return b; }
        if (root is null) return b;
        var slots = Slots(root);
        if (slots.Count == 0) return b;
        var (parent, key) = slots[r.Next(slots.Count)];
        EditSlot(parent, key, edit);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static void EditSlot(JsonNode parent, string key, Action<JsonNode, string> edit)
    {
        if (parent is JsonArray)
        {
            // JsonArray slots are edited through a stand-in object so one edit function serves both.
            var holder = new JsonObject { ["v"] = Get(parent, key)?.DeepClone() };
            if (edit.Method.Name.Contains("Remove")) { ((JsonArray)parent).RemoveAt(int.Parse(key)); return; }
            edit(holder, "v");
            Set(parent, key, holder["v"]?.DeepClone());
        }
        else edit(parent, key);
    }

    private static long HeaderLength(byte[] b) => b.Length >= 8 ? BitConverter.ToInt64(b, 0) : 0;

    private static byte[] WithLength(byte[] b, long length)
    {
        if (b.Length < 8) return b;
        var c = (byte[])b.Clone();
        BitConverter.GetBytes(length).CopyTo(c, 0);
        return c;
    }

    /// <summary>Edits the JSON header at a random slot whose key passes <paramref name="keys"/>, padding so the data stays in place.</summary>
    private static byte[] EditHeader(byte[] b, Random r, Action<JsonNode, string> edit, Func<string, bool>? keys = null)
    {
        long n = HeaderLength(b);
        if (b.Length < 8 || n <= 0 || n > b.Length - 8) return b;
        JsonNode? root;
        try { root = JsonNode.Parse(b.AsSpan(8, (int)n)); } catch (System.Text.Json.JsonException) { return b; }
        if (root is null) return b;
        var slots = Slots(root).Where(s => keys is null || keys(s.Key)).ToList();
        if (slots.Count == 0) return b;
        var (parent, key) = slots[r.Next(slots.Count)];
        EditSlot(parent, key, edit);
        var header = Encoding.UTF8.GetBytes(root.ToJsonString());
        // The data must start where it did: pad with spaces (allowed by the format) or, if longer, shift it.
        var padded = header.Length <= n ? [.. header, .. Enumerable.Repeat((byte)' ', (int)n - header.Length)] : header;
        var c = new byte[8 + padded.Length + (b.Length - 8 - n)];
        BitConverter.GetBytes((long)padded.Length).CopyTo(c, 0);
        padded.CopyTo(c, 8);
        b.AsSpan(8 + (int)n).CopyTo(c.AsSpan(8 + padded.Length));
        return c;
    }

    /// <summary>Overwrites one float of the data section (after the header) with <paramref name="value"/>.</summary>
    private static byte[] PoisonFloat(byte[] b, Random r, float value)
    {
        long n = HeaderLength(b);
        if (b.Length < 8 || n <= 0 || 8 + n + 4 > b.Length) return b;
        var c = (byte[])b.Clone();
        int floats = (int)((c.Length - 8 - n) / 4);
        BitConverter.GetBytes(value).CopyTo(c, (int)(8 + n) + 4 * r.Next(floats));
        return c;
    }
}
