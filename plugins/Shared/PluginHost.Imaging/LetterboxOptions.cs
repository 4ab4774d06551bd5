using SkiaSharp;

namespace PluginHost.Imaging;

/// <summary>How an image is fitted into a model input of a fixed size.</summary>
public sealed record LetterboxOptions
{
    /// <summary>Ultralytics' letterbox: centred, padded with gray 114 (YOLO, every task).</summary>
    public static LetterboxOptions Yolo { get; } = new();

    /// <summary>Top-left aligned, padded with black (SAM and most encoders that pad bottom/right).</summary>
    public static LetterboxOptions TopLeft { get; } = new() { Centered = false, Padding = SKColors.Black };

    /// <summary>Scaled to cover the input and centre-cropped, no padding (Ultralytics' classification transform).</summary>
    public static LetterboxOptions CenterCrop { get; } = new() { Cover = true };

    /// <summary>Scale so the image covers the whole input (cropping what sticks out) instead of fitting inside it.</summary>
    public bool Cover { get; init; }

    /// <summary>Centre the scaled image (true) or put it at the top-left corner.</summary>
    public bool Centered { get; init; } = true;

    /// <summary>The colour around the scaled image.</summary>
    public SKColor Padding { get; init; } = new(114, 114, 114);
}
