using PluginHost.Imaging;
using SkiaSharp;

namespace PluginHost.Plugins.Ocr.Tesseract;

/// <summary>Hands the shared library's gray images and crops to Tesseract without copying their pixels.</summary>
internal static class GrayPixelsOf
{
    /// <summary>The whole image (Gray8), for page-level recognition. Valid while the image lives.</summary>
    public static GrayPixels Pixels(this DecodedImage image) => Of(image.Bitmap);

    /// <summary>The crop with its margin (Gray8). Valid while the crop lives.</summary>
    public static GrayPixels Pixels(this ImageCrop crop) => Of(crop.Bitmap);

    private static unsafe GrayPixels Of(SKBitmap bitmap) =>
        bitmap.ColorType == SKColorType.Gray8
            ? new((byte*)bitmap.GetPixels(), bitmap.Width, bitmap.Height, bitmap.RowBytes)
            : throw new ArgumentException($"Tesseract reads 8-bit gray, not {bitmap.ColorType}.", nameof(bitmap));
}
