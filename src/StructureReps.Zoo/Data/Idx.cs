using System.Buffers.Binary;
using StructureReps.Core;

namespace StructureReps.Zoo.Data;

/// <summary>
/// The IDX format (MNIST, Fashion-MNIST): big-endian magic 0x00000803 (2051) for unsigned-byte images
/// [n, rows, cols] and 0x00000801 (2049) for unsigned-byte labels [n], then the raw bytes.
/// </summary>
public static class Idx
{
    public static (byte[] Pixels, int Count, int Rows, int Cols) ReadImages(Stream stream, string file, int? maxCount = null)
    {
        var header = ReadExactly(stream, 16, file, "header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != 2051) throw new DataFormatException(file, "magic", $"{magic}, expected 2051 (IDX unsigned-byte images)");
        int n = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(12));
        if (n < 0 || rows <= 0 || cols <= 0 || rows > 4096 || cols > 4096)
            throw new DataFormatException(file, "dimensions", $"{n} images of {rows}×{cols} is not a valid image set");
        int take = maxCount is { } m ? Math.Min(m, n) : n;
        var pixels = ReadExactly(stream, (long)take * rows * cols, file, $"pixels of {take} images");
        return (pixels, take, rows, cols);
    }

    public static byte[] ReadLabels(Stream stream, string file, int classes, int? maxCount = null)
    {
        var header = ReadExactly(stream, 8, file, "header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != 2049) throw new DataFormatException(file, "magic", $"{magic}, expected 2049 (IDX unsigned-byte labels)");
        int n = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        if (n < 0) throw new DataFormatException(file, "count", $"{n} is negative");
        int take = maxCount is { } m ? Math.Min(m, n) : n;
        var labels = ReadExactly(stream, take, file, $"{take} labels");
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] >= classes) throw new DataFormatException(file, $"label {i}", $"{labels[i]} is not a class 0–{classes - 1}");
        return labels;
    }

    private static byte[] ReadExactly(Stream stream, long count, string file, string what)
    {
        if (count > int.MaxValue) throw new DataFormatException(file, what, $"{count} bytes is too large");
        var buffer = new byte[count];
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read != count) throw new DataFormatException(file, what, $"file ends after {read} of {count} bytes (truncated?)");
        return buffer;
    }
}

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017) from Debian's `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist):
/// 60,000 train and 10,000 test 28×28 grayscale images, 10 classes; pixels /255 then standardized with the
/// training mean and std.
/// </summary>
public static class FashionMnist
{
    public const string DebianDir = "/usr/share/datasets/fashion-mnist";
    public const int TrainCount = 60_000, TestCount = 10_000;

    public static string? Locate(string dataRoot)
    {
        foreach (var dir in new[] { Path.Combine(dataRoot, "fashion-mnist"), DebianDir })
            if (File.Exists(Path.Combine(dir, "train-images-idx3-ubyte.gz"))) return dir;
        return null;
    }

    public static TaskData Load(string dataRoot, int? maxTrain = null, int? maxTest = null)
    {
        string dir = Locate(dataRoot) ?? throw new FileNotFoundException(
            $"Fashion-MNIST not found in {Path.Combine(dataRoot, "fashion-mnist")} or {DebianDir}: run `bash scripts/setup.sh` (apt-get install dataset-fashion-mnist)");
        var train = ReadSplit(dir, "train", TrainCount, maxTrain);
        var test = ReadSplit(dir, "t10k", TestCount, maxTest);
        Preprocess.StandardizeChannels(train.X, test.X, 1, 28 * 28);
        return new TaskData("fashion-mnist", train, test, dir, "pixels/255, standardized with the training mean and std");
    }

    private static Dataset ReadSplit(string dir, string prefix, int expected, int? max)
    {
        string imagesPath = Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz"), labelsPath = Path.Combine(dir, $"{prefix}-labels-idx1-ubyte.gz");
        using var imageStream = DataFiles.Open(DataFiles.Require(imagesPath, "Fashion-MNIST images"));
        using var labelStream = DataFiles.Open(DataFiles.Require(labelsPath, "Fashion-MNIST labels"));
        var (pixels, count, rows, cols) = Idx.ReadImages(imageStream, imagesPath, max);
        if (rows != 28 || cols != 28) throw new DataFormatException(imagesPath, "dimensions", $"{rows}×{cols}, expected 28×28");
        if (max is null && count != expected) throw new DataFormatException(imagesPath, "count", $"{count} images, expected {expected}");
        var labels = Idx.ReadLabels(labelStream, labelsPath, 10, max);
        if (labels.Length != count) throw new DataFormatException(labelsPath, "count", $"{labels.Length} labels for {count} images");
        var x = new float[pixels.Length];
        for (int i = 0; i < x.Length; i++) x[i] = pixels[i] / 255f;
        return new Dataset(x, [1, 28, 28], labels.Select(b => (int)b).ToArray(), null, 10);
    }
}
