using SkiaSharp;

namespace PluginHost.Imaging;

/// <summary>A cut-out box with its margin, in its image's pixel format; <see cref="Width"/>×<see cref="Height"/>
/// is the box itself, <see cref="Bitmap"/> the box with <see cref="Padding"/> pixels around it.</summary>
public sealed class ImageCrop(SKBitmap bitmap, int width, int height, int padding) : IDisposable
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public int Padding { get; } = padding;

    /// <summary>The crop with its margin. Valid while this crop lives.</summary>
    public SKBitmap Bitmap => bitmap;

    /// <summary>The crop's bytes, row by row with the margin.</summary>
    public byte[] ToArray() => bitmap.GetPixelSpan().ToArray();

    public void Dispose() => bitmap.Dispose();
}
