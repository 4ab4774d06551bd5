using System.Buffers.Binary;
using SkiaSharp;

namespace PluginHost.Detector.Tests.Support;

/// <summary>Black test images with red rectangles, encoded as PNG or JPEG, optionally with an EXIF orientation.</summary>
public static class TestImages
{
    public static byte[] Png(int width, int height, params SKRectI[] red) => Encode(width, height, red, SKEncodedImageFormat.Png);

    public static byte[] Jpeg(int width, int height, params SKRectI[] red) => Encode(width, height, red, SKEncodedImageFormat.Jpeg);

    private static byte[] Encode(int width, int height, SKRectI[] red, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Black);
            using var paint = new SKPaint { Color = new SKColor(255, 0, 0), IsAntialias = false, Style = SKPaintStyle.Fill };
            foreach (var r in red) canvas.DrawRect(r, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 100);
        return data.ToArray();
    }

    /// <summary>Inserts an APP1 Exif segment holding only the Orientation tag right after the JPEG's SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        if (jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw new ArgumentException("Not a JPEG.");
        var tiff = OrientationTiff(orientation);
        var segment = new byte[2 + 2 + 6 + tiff.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(segment.Length - 2));
        "Exif\0\0"u8.CopyTo(segment.AsSpan(4));
        tiff.CopyTo(segment, 10);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>A big-endian TIFF header with IFD0 = { Orientation (0x0112, SHORT) }.</summary>
    private static byte[] OrientationTiff(ushort orientation)
    {
        var tiff = new byte[8 + 2 + 12 + 4];
        "MM"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(12), 3);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(18), orientation);
        return tiff;
    }
}
