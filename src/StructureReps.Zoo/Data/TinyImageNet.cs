using System.IO.Compression;
using StructureReps.Core;

namespace StructureReps.Zoo.Data;

/// <summary>
/// The 10-class Tiny-ImageNet subset (`imagenet-subset/tiny-imagenet-10.zip`): `classes.txt` (wnids, label =
/// line index), `train/&lt;wnid&gt;/*.JPEG` (500 per class), `val/&lt;wnid&gt;/*.JPEG` (50 per class, our test split);
/// 64×64, downsampled to 32×32 by default (spec §2 allows it). Per-channel standardization with training statistics.
/// </summary>
public static class TinyImageNet
{
    // The datasets README publishes no checksum for this zip: the class list and the counts are checked instead.
    public static string ZipPath(string dataRoot) => Path.Combine(dataRoot, "imagenet-subset", "tiny-imagenet-10.zip");

    public static TaskData Load(string dataRoot, int size = 32)
    {
        string zip = DataFiles.Require(ZipPath(dataRoot), "Tiny-ImageNet subset");
        string[] classes;
        using (var archive = ZipFile.OpenRead(zip))
        {
            var entry = archive.GetEntry("classes.txt") ?? throw new DataFormatException(zip, "classes.txt", "missing from the archive");
            using var reader = new StreamReader(entry.Open());
            classes = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.Split([' ', '\t'], 2)[0]).ToArray();
        }
        if (classes.Length != 10) throw new DataFormatException(zip, "classes.txt", $"{classes.Length} classes, expected 10");
        var train = JpegFolderZip.LoadSplit(zip, "train", classes, size, 5_000);
        var test = JpegFolderZip.LoadSplit(zip, "val", classes, size, 500);
        Preprocess.StandardizeChannels(train.X, test.X, 3, size * size);
        return new TaskData("imagenet-subset", train, test, zip, $"JPEG → RGB, resized 64×64 → {size}×{size}, /255, per-channel standardization with training statistics");
    }
}
