using System.Buffers;
using PluginHost.Imaging;

namespace PluginHost.Plugins.PaddleOcr;

/// <summary>
/// PP-OCR text detection on a page: scaled so the longer side is at most <c>DetectionMaxSide</c>, each side a multiple
/// of 32 (PaddleOCR's <c>DetResizeForTest</c>), normalised with ImageNet statistics in BGR order (PaddleOCR reads
/// images with OpenCV), then the probability map → text quads (<see cref="DbPostProcess"/>), top to bottom, left to right.
/// </summary>
internal static class TextDetector
{
    private static readonly ChannelNormalization Normalization = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f], Bgr: true);

    public static List<TextQuad> Detect(OnnxModel model, DecodedImage image, PpOcrSettings settings)
    {
        var longer = Math.Max(image.Width, image.Height);
        var ratio = longer > settings.DetectionMaxSide ? (double)settings.DetectionMaxSide / longer : 1.0;
        var width = Math.Max(32, (int)Math.Round(image.Width * ratio / 32) * 32);
        var height = Math.Max(32, (int)Math.Round(image.Height * ratio / 32) * 32);
        var size = 3 * width * height;
        var buffer = ArrayPool<float>.Shared.Rent(size);
        try
        {
            using (var resized = image.Resize(width, height))
                TensorPlanes.Write(resized, buffer.AsSpan(0, size), Normalization);
            var quads = model.Run(buffer.AsMemory(0, size), [1, 3, height, width], (data, shape) =>
                DbPostProcess.Boxes(data, (int)shape[^1], (int)shape[^2], settings.DetectionThreshold, settings.BoxThreshold, settings.UnclipRatio,
                    (double)image.Width / shape[^1], (double)image.Height / shape[^2]));
            return ReadingOrder(quads);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>PaddleOCR's <c>sorted_boxes</c>: by top-left corner, top to bottom; boxes within 10 pixels vertically
    /// are one line, read left to right.</summary>
    private static List<TextQuad> ReadingOrder(List<TextQuad> quads)
    {
        var sorted = quads.OrderBy(q => q.Corners[0].Y).ThenBy(q => q.Corners[0].X).ToList();
        for (var i = 0; i < sorted.Count - 1; i++)
            for (var j = i; j >= 0; j--)
            {
                var (a, b) = (sorted[j], sorted[j + 1]);
                if (Math.Abs(b.Corners[0].Y - a.Corners[0].Y) < 10 && b.Corners[0].X < a.Corners[0].X) (sorted[j], sorted[j + 1]) = (b, a);
                else break;
            }
        return sorted;
    }
}
