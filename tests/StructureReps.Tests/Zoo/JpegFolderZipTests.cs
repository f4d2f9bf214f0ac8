using System.IO.Compression;
using SkiaSharp;
using StructureReps.Core;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Data;

namespace StructureReps.Tests.Zoo;

public class JpegFolderZipTests
{
    private static byte[] Jpeg(int w, int h, SKColor color, bool gray)
    {
        using var bmp = new SKBitmap(new SKImageInfo(w, h, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, gray ? SKAlphaType.Opaque : SKAlphaType.Premul));
        bmp.Erase(color);
        using var data = bmp.Encode(SKEncodedImageFormat.Jpeg, 100);
        return data.ToArray();
    }

    private static string MakeZip(TempDir dir, params (string Name, byte[] Bytes)[] files)
    {
        string path = dir.File("images.zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in files)
        {
            using var s = zip.CreateEntry(name).Open();
            s.Write(bytes);
        }
        return path;
    }

    [Fact]
    public void Decodes_class_folders_resizes_and_expands_grayscale()
    {
        using var dir = new TempDir();
        string zip = MakeZip(dir,
            ("train/b/1.jpg", Jpeg(8, 8, new SKColor(200, 30, 30), gray: false)),
            ("train/a/2.JPEG", Jpeg(16, 16, new SKColor(128, 128, 128), gray: true)),
            ("test/a/3.jpg", Jpeg(8, 8, SKColors.Blue, gray: false)),
            ("train/readme.txt", "not an image"u8.ToArray()));
        var (pixels, labels) = JpegFolderZip.Read(zip, "train", ["a", "b"], 8, useCache: false);
        Assert.Equal([0, 1], labels); // sorted by class, then name
        Assert.Equal(2 * 3 * 64, pixels.Length);
        // The grayscale 16×16 image became 8×8 with three equal channels.
        Assert.InRange(pixels[0], 120, 136);
        Assert.Equal(pixels[0], pixels[64]);
        Assert.Equal(pixels[0], pixels[128]);
        // The red image: R high, G and B low (JPEG is lossy: loose bounds).
        Assert.InRange(pixels[192], 180, 220);
        Assert.InRange(pixels[192 + 64], 10, 50);
    }

    [Fact]
    public void Unknown_class_folder_and_broken_jpeg_are_named()
    {
        using var dir = new TempDir();
        string zip = MakeZip(dir, ("train/zebra/1.jpg", Jpeg(8, 8, SKColors.Red, false)));
        var e = Assert.Throws<DataFormatException>(() => JpegFolderZip.Read(zip, "train", ["a"], 8, useCache: false));
        Assert.Contains("train/zebra/1.jpg", e.Message);
        using var dir2 = new TempDir();
        zip = MakeZip(dir2, ("train/a/1.jpg", [0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3]));
        e = Assert.Throws<DataFormatException>(() => JpegFolderZip.Read(zip, "train", ["a"], 8, useCache: false));
        Assert.Contains("train/a/1.jpg", e.Message);
    }
}
