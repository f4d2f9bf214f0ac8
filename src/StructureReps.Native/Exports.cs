using System.Runtime.InteropServices;
using System.Text;
using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Decoding.Probing;
using StructureReps.Nn.Serialization;
using StructureReps.Services.Prediction;

namespace StructureReps.Native;

/// <summary>
/// The C ABI (include/structurereps.h documents each call, ownership and threads). Every export runs its body
/// through <see cref="Guard"/>: an exception becomes a status code and a message for <c>sr_last_error</c>, because
/// one escaping an <see cref="UnmanagedCallersOnlyAttribute"/> method would abort the host.
/// </summary>
internal static unsafe class Exports
{
    [ThreadStatic] private static string? _lastError;

    [UnmanagedCallersOnly(EntryPoint = "sr_encoder_open")]
    public static int EncoderOpen(byte* path, nint* encoder) => Guard(() =>
    {
        Require(encoder != null, "encoder");
        string file = PathArgument(path, "path");
        if (!File.Exists(file)) throw new FileNotFoundException($"{file}: no such encoder file");
        *encoder = Handles.Add(NetworkEmbedder.Open(File.ReadAllBytes(file), file, CpuBackend.Default));
    });

    [UnmanagedCallersOnly(EntryPoint = "sr_encoder_open_bytes")]
    public static int EncoderOpenBytes(byte* data, nuint length, nint* encoder) => Guard(() =>
    {
        Require(encoder != null, "encoder");
        *encoder = Handles.Add(NetworkEmbedder.Open(Bytes(data, length, "data"), "<encoder bytes>", CpuBackend.Default));
    });

    [UnmanagedCallersOnly(EntryPoint = "sr_encoder_dimensions")]
    public static int EncoderDimensions(nint encoder, int* dimensions) => Guard(() =>
    {
        Require(dimensions != null, "dimensions");
        *dimensions = Handles.Get<NetworkEmbedder>(encoder, "encoder").Dimensions;
    });

    [UnmanagedCallersOnly(EntryPoint = "sr_encoder_close")]
    public static int EncoderClose(nint encoder) => Guard(() => Handles.Remove<NetworkEmbedder>(encoder, "encoder"));

    [UnmanagedCallersOnly(EntryPoint = "sr_probe_open")]
    public static int ProbeOpen(nint encoder, byte* path, nint* probe) => Guard(() =>
    {
        Require(probe != null, "probe");
        string file = PathArgument(path, "path");
        if (!File.Exists(file)) throw new FileNotFoundException($"{file}: no such probe file");
        *probe = OpenProbe(Handles.Get<NetworkEmbedder>(encoder, "encoder"), File.ReadAllText(file), file);
    });

    [UnmanagedCallersOnly(EntryPoint = "sr_probe_open_bytes")]
    public static int ProbeOpenBytes(nint encoder, byte* json, nuint length, nint* probe) => Guard(() =>
    {
        Require(probe != null, "probe");
        var handle = Handles.Get<NetworkEmbedder>(encoder, "encoder");
        string text;
        try { text = new UTF8Encoding(false, true).GetString(Bytes(json, length, "json")); }
        catch (DecoderFallbackException) { throw new DataFormatException("<probe bytes>", "probe", "not UTF-8 text"); }
        *probe = OpenProbe(handle, text, "<probe bytes>");
    });

    [UnmanagedCallersOnly(EntryPoint = "sr_probe_close")]
    public static int ProbeClose(nint probe) => Guard(() => Handles.Remove<ProbeReader>(probe, "probe"));

    [UnmanagedCallersOnly(EntryPoint = "sr_embed")]
    public static int Embed(nint encoder, byte* checkpointPath, float* embedding, int capacity, int* written) => Guard(() =>
    {
        string file = PathArgument(checkpointPath, "checkpoint_path");
        var handle = Handles.Get<NetworkEmbedder>(encoder, "encoder");
        CheckOutput(handle, embedding, capacity, written);
        if (!File.Exists(file)) throw new FileNotFoundException($"{file}: no such checkpoint");
        EmbedInto(handle, SafeTensors.Read(file).Tensors, file, embedding, written);
    });

    [UnmanagedCallersOnly(EntryPoint = "sr_embed_bytes")]
    public static int EmbedBytes(nint encoder, byte* data, nuint length, float* embedding, int capacity, int* written) => Guard(() =>
    {
        var handle = Handles.Get<NetworkEmbedder>(encoder, "encoder");
        CheckOutput(handle, embedding, capacity, written);
        const string source = "<checkpoint bytes>";
        using var stream = new MemoryStream(Bytes(data, length, "data"), writable: false);
        EmbedInto(handle, SafeTensors.Read(stream, source).Tensors, source, embedding, written);
    });

    [UnmanagedCallersOnly(EntryPoint = "sr_predict")]
    public static int Predict(nint probe, float* embedding, int length, double* train, double* test) =>
        Guard(() => PredictInto(probe, embedding, length, train, test, null));

    [UnmanagedCallersOnly(EntryPoint = "sr_predict_flags")]
    public static int PredictFlags(nint probe, float* embedding, int length, double* train, double* test, int* flags) => Guard(() =>
    {
        Require(flags != null, "flags");
        PredictInto(probe, embedding, length, train, test, flags);
    });

    /// <summary>Copies this thread's last error (UTF-8, NUL-terminated, truncated to fit); returns its full length in bytes.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sr_last_error")]
    public static nuint LastError(byte* buffer, nuint capacity) => CopyOut(_lastError ?? "", buffer, capacity);

    /// <summary>What this build is: version, instruction set, vector widths that run in hardware, BLAS and LAPACK found.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sr_engine_info")]
    public static nuint EngineInfo(byte* buffer, nuint capacity)
    {
        try { return CopyOut(EngineDescription.Text, buffer, capacity); }
        catch (Exception e) { return CopyOut("engine info unavailable: " + e.Message, buffer, capacity); }
    }

    /// <summary>
    /// The probe's prediction, held to what the performance can be (an accuracy in [0, 1]); <paramref name="flags"/>,
    /// when given, receives SR_TRAIN_CLIPPED, SR_TEST_CLIPPED, SR_TRAIN_OUTSIDE_FITTED and SR_TEST_OUTSIDE_FITTED.
    /// </summary>
    private static void PredictInto(nint probe, float* embedding, int length, double* train, double* test, int* flags)
    {
        var reader = Handles.Get<ProbeReader>(probe, "probe");
        Require(embedding != null, "embedding");
        Require(train != null, "train");
        Require(test != null, "test");
        if (length != reader.Dimensions)
            throw new NativeMismatchException($"embedding: {length} values, the probe takes {reader.Dimensions}");
        var x = new double[length];
        for (int i = 0; i < length; i++)
        {
            if (!float.IsFinite(embedding[i])) throw new NativeArgumentException($"embedding[{i}]: {embedding[i]}, expected a finite number");
            x[i] = embedding[i];
        }
        var (tr, te) = reader.Predict(x);
        *train = tr.Value;
        *test = te.Value;
        if (flags != null)
            *flags = (tr.Clipped ? 1 : 0) | (te.Clipped ? 2 : 0) | (tr.OutsideFitted ? 4 : 0) | (te.OutsideFitted ? 8 : 0);
    }

    private static nint OpenProbe(NetworkEmbedder encoder, string json, string source)
    {
        var saved = SavedProbe.Parse(json, source);
        try { return Handles.Add(Predictor.Bind(encoder, saved, source)); }
        catch (ProbeMismatchException e) { throw new NativeMismatchException(e.Message); }
    }

    private static void EmbedInto(NetworkEmbedder handle, List<NamedArray> tensors, string source, float* embedding, int* written)
    {
        var (_, z) = handle.Embed(tensors, source);
        z.CopyTo(new Span<float>(embedding, z.Length));
        *written = z.Length;
    }

    private static void CheckOutput(NetworkEmbedder handle, float* embedding, int capacity, int* written)
    {
        Require(embedding != null, "embedding");
        Require(written != null, "written");
        if (capacity < handle.Dimensions)
            throw new NativeArgumentException($"capacity: {capacity} floats, the embedding has {handle.Dimensions} (sr_encoder_dimensions)");
    }

    private static int Guard(Action body)
    {
        try
        {
            body();
            _lastError = null;
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            _lastError = e.Message;
            return (int)(e switch
            {
                NativeArgumentException => Status.InvalidArgument,
                NativeMismatchException => Status.Mismatch,
                FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException => Status.NotFound,
                DataFormatException or InvalidDataException or EndOfStreamException or ArgumentException => Status.BadInput,
                _ => Status.Internal,
            });
        }
    }

    private static void Require(bool ok, string argument)
    {
        if (!ok) throw new NativeArgumentException($"{argument}: a null pointer");
    }

    private static string PathArgument(byte* path, string argument)
    {
        Require(path != null, argument);
        try { return new UTF8Encoding(false, true).GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(path)); }
        catch (DecoderFallbackException) { throw new NativeArgumentException($"{argument}: not UTF-8"); }
    }

    private static byte[] Bytes(byte* data, nuint length, string argument)
    {
        Require(data != null || length == 0, argument);
        if (length > int.MaxValue) throw new NativeArgumentException($"{argument}: {length} bytes, above the 2 GiB limit");
        return new ReadOnlySpan<byte>(data, (int)length).ToArray();
    }

    private static nuint CopyOut(string text, byte* buffer, nuint capacity)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (buffer != null && capacity > 0)
        {
            int n = (int)Math.Min((nuint)bytes.Length, capacity - 1);
            // Never cut a UTF-8 sequence in two: back up to the start of a character.
            while (n > 0 && n < bytes.Length && (bytes[n] & 0xC0) == 0x80) n--;
            bytes.AsSpan(0, n).CopyTo(new Span<byte>(buffer, n));
            buffer[n] = 0;
        }
        return (nuint)bytes.Length;
    }
}
