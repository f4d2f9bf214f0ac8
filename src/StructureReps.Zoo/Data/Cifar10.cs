using StructureReps.Core;

namespace StructureReps.Zoo.Data;

/// <summary>
/// CIFAR-10 (Krizhevsky 2009) in the original binary format: records of 3,073 bytes — a label byte 0–9, then
/// the 1,024 red, 1,024 green and 1,024 blue bytes of a 32×32 image (row-major planes). Here the exact-pixel
/// batches `data_batch_1.bin.gz` (10,000 train) and `test_batch_first1000.bin.gz` (1,000 test) from
/// ../shared/datasets/cifar10/cifar-10-batches-bin; a full `data_batch_1..5.bin` + `test_batch.bin` set is read
/// when present. Pixels /255, then per-channel standardization with the training statistics.
/// </summary>
public static class Cifar10
{
    public const int RecordBytes = 3073;
    public const string Batch1Sha256 = "6fcee3c4b6ea120cf82b263e2e9fe932e7edf7daf530e8b8ed62c178f70910c6";
    public const string TestFirst1000Sha256 = "3d5e72c2623a79c57b916d8669b4cba52fa2984d04cb8cd7d256902adc743432";

    public const string JpegZipSha256 = "3054c506d6b9c55863eb76490483f9f2d56b5a8850a262d6cfb7d6d71537273c";
    public static readonly string[] ClassNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    public static string JpegZipPath(string dataRoot) => Path.Combine(dataRoot, "cifar10", "cifar-10-images.zip");

    /// <summary>
    /// The task's default: all 50,000 + 10,000 images from the JPEG zip (lossy, JPEG quality 75) when present,
    /// else the exact-pixel binary batches (<see cref="LoadBinary"/>).
    /// </summary>
    public static TaskData Load(string dataRoot, bool verify = true)
    {
        string zip = JpegZipPath(dataRoot);
        if (!File.Exists(zip)) return LoadBinary(dataRoot, verify: verify);
        if (verify) DataFiles.VerifySha256(zip, JpegZipSha256);
        var train = JpegFolderZip.LoadSplit(zip, "train", ClassNames, 32, 50_000);
        var test = JpegFolderZip.LoadSplit(zip, "test", ClassNames, 32, 10_000);
        Preprocess.StandardizeChannels(train.X, test.X, 3, 1024);
        return new TaskData("cifar10", train, test, zip + " (JPEG)", "pixels/255, per-channel standardization with training statistics");
    }

    public static TaskData LoadBinary(string dataRoot, int? maxTrain = null, int? maxTest = null, bool verify = true)
    {
        string dir = Path.Combine(dataRoot, "cifar10", "cifar-10-batches-bin");
        var trainFiles = Enumerable.Range(1, 5).Select(i => Find(dir, $"data_batch_{i}.bin")).Where(p => p is not null).Cast<string>().ToList();
        if (trainFiles.Count == 0) throw new FileNotFoundException($"{dir}: no data_batch_*.bin[.gz] (CIFAR-10 binary batches)");
        string testFile = Find(dir, "test_batch.bin") ?? Find(dir, "test_batch_first1000.bin")
            ?? throw new FileNotFoundException($"{dir}: no test_batch.bin[.gz] or test_batch_first1000.bin.gz");
        if (verify)
        {
            foreach (var f in trainFiles.Where(f => f.EndsWith("data_batch_1.bin.gz"))) DataFiles.VerifySha256(f, Batch1Sha256);
            if (testFile.EndsWith("test_batch_first1000.bin.gz")) DataFiles.VerifySha256(testFile, TestFirst1000Sha256);
        }
        var train = Concat(trainFiles.Select(f => { using var s = DataFiles.Open(f); return ReadBatch(s, f, maxTrain); }), maxTrain);
        Dataset test;
        using (var s = DataFiles.Open(testFile)) test = ReadBatch(s, testFile, maxTest);
        Preprocess.StandardizeChannels(train.X, test.X, 3, 1024);
        return new TaskData("cifar10", train, test, $"{string.Join(", ", trainFiles.Select(Path.GetFileName))}; {Path.GetFileName(testFile)}",
            "pixels/255, per-channel standardization with training statistics");
    }

    private static string? Find(string dir, string name)
    {
        foreach (var candidate in new[] { Path.Combine(dir, name + ".gz"), Path.Combine(dir, name) })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    /// <summary>Reads whole records until the end of the stream (or <paramref name="max"/>); a partial record is an error.</summary>
    public static Dataset ReadBatch(Stream stream, string file, int? max = null)
    {
        var x = new List<float>();
        var labels = new List<int>();
        var record = new byte[RecordBytes];
        while (max is null || labels.Count < max)
        {
            int read = stream.ReadAtLeast(record, RecordBytes, throwOnEndOfStream: false);
            if (read == 0) break;
            if (read != RecordBytes)
                throw new DataFormatException(file, $"record {labels.Count}", $"only {read} of {RecordBytes} bytes (truncated file?)");
            if (record[0] > 9) throw new DataFormatException(file, $"record {labels.Count}, label", $"{record[0]} is not a class 0–9");
            labels.Add(record[0]);
            for (int i = 1; i < RecordBytes; i++) x.Add(record[i] / 255f);
        }
        if (labels.Count == 0) throw new DataFormatException(file, "records", "no record (empty file)");
        return new Dataset(x.ToArray(), [3, 32, 32], labels.ToArray(), null, 10);
    }

    private static Dataset Concat(IEnumerable<Dataset> parts, int? max)
    {
        var list = parts.ToList();
        var x = list.SelectMany(p => p.X);
        var labels = list.SelectMany(p => p.Labels!);
        int count = max is { } m ? Math.Min(m, list.Sum(p => p.Count)) : list.Sum(p => p.Count);
        return new Dataset(x.Take(count * 3072).ToArray(), [3, 32, 32], labels.Take(count).ToArray(), null, 10);
    }
}
