namespace PluginHost.Plugins.Segmentation.Sam;

/// <summary>A click in pixels of the upright image: positive (the object is here) or negative (it is not).</summary>
internal readonly record struct PromptPoint(double X, double Y, bool Positive);

/// <summary>A box in pixels of the upright image, by its corners.</summary>
internal readonly record struct PromptBox(double X1, double Y1, double X2, double Y2);

/// <summary>What the annotator gave SAM for one object: clicks and at most one box (the decoder takes one).</summary>
internal sealed record SamPrompt(IReadOnlyList<PromptPoint> Points, PromptBox? Box)
{
    public bool IsEmpty => Points.Count == 0 && Box is null;
}

/// <summary>One decoded mask at the image's size, one byte per pixel (0 or 255, as the brush RLE wants it), how many
/// pixels are on, and the decoder's IoU estimate.</summary>
internal sealed record SamMask(byte[] Pixels, int Width, int Height, int Area, double Score);
