using PluginHost.Imaging;
using SkiaSharp;

namespace PluginHost.Plugins.Segmentation;

/// <summary>Writes a decoded image, scaled to an exact size, at the top-left of a model's CHW float input; the rest of
/// each plane stays 0 (SAM pads after normalizing; Grounding DINO's input is the scaled image alone).</summary>
internal static class ScaledInput
{
    public static void Write(DecodedImage image, Span<float> chw, int scaledWidth, int scaledHeight, int planeWidth, int planeHeight)
    {
        chw[..(3 * planeWidth * planeHeight)].Clear();
        using var scaled = new SKBitmap(new SKImageInfo(scaledWidth, scaledHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(scaled))
            canvas.DrawImage(image.Image, new SKRect(0, 0, scaledWidth, scaledHeight), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        TensorPlanes.Write(scaled, chw, ChannelNormalization.ImageNet, planeWidth, planeHeight);
    }

    /// <summary>Decodes a task image upright as RGBA; unreadable images name the task and value.</summary>
    public static DecodedImage Load(string path, long maxPixels, long taskId, string value)
    {
        try
        {
            return DecodedImage.Load(path, ImagePixels.Rgba8888, maxPixels);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"Task {taskId}: cannot read the image '{value}': {ex.Message}", ex);
        }
    }
}
