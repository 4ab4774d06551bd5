namespace PluginHost.Imaging;

/// <summary>
/// Where an image landed in a model input: its upright (EXIF-applied) size, and the rectangle it was scaled into.
/// Maps model-input coordinates back to the original image and forth.
/// </summary>
public readonly record struct LetterboxGeometry(int OriginalWidth, int OriginalHeight, int Left, int Top, int ScaledWidth, int ScaledHeight)
{
    public double ToOriginalX(double x) => (x - Left) * OriginalWidth / ScaledWidth;

    public double ToOriginalY(double y) => (y - Top) * OriginalHeight / ScaledHeight;

    public double ToInputX(double x) => x * ScaledWidth / OriginalWidth + Left;

    public double ToInputY(double y) => y * ScaledHeight / OriginalHeight + Top;

    /// <summary>Scale from original pixels to input pixels (the same on both axes up to rounding).</summary>
    public double Gain => (double)ScaledWidth / OriginalWidth;
}
