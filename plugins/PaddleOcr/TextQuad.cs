using SkiaSharp;

namespace PluginHost.Plugins.PaddleOcr;

/// <summary>A text line's quadrilateral in image pixels — top-left, top-right, bottom-right, bottom-left as the text
/// reads — and the detector's confidence in it.</summary>
internal sealed record TextQuad(SKPoint[] Corners, double Score)
{
    /// <summary>Width along the text (the longer of top and bottom edges) and height across it.</summary>
    public (float Width, float Height) Size =>
        (Math.Max(SKPoint.Distance(Corners[0], Corners[1]), SKPoint.Distance(Corners[3], Corners[2])),
         Math.Max(SKPoint.Distance(Corners[0], Corners[3]), SKPoint.Distance(Corners[1], Corners[2])));

    /// <summary>The same quad read from another corner: 1 = a quarter turn (vertical text), 2 = upside down.</summary>
    public SKPoint[] Turned(int quarters) => [.. Enumerable.Range(0, 4).Select(i => Corners[(i + quarters) % 4])];
}
