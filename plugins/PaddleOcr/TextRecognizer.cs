using System.Buffers;
using PluginHost.Imaging;
using SkiaSharp;

namespace PluginHost.Plugins.PaddleOcr;

/// <summary>A recognised text line: its quad (as read, after any turn), text and mean character probability.</summary>
internal sealed record RecognizedLine(TextQuad Quad, string Text, double Score);

/// <summary>
/// Reads text quads: each is warped upright from the page (a quad taller than 1.5× its width is text running down
/// and is turned a quarter, PaddleOCR's <c>get_rotate_crop_image</c>), the direction classifier turns lines it finds
/// upside down, and the recogniser reads batches of lines of similar aspect, 48 pixels high, with CTC greedy decoding.
/// </summary>
internal static class TextRecognizer
{
    private const int LineHeight = 48;
    private const int ClassifierWidth = 192;
    private const double ClassifierThreshold = 0.9;
    private static readonly ChannelNormalization Normalization = new([0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f], Bgr: true);

    public static List<RecognizedLine> Read(PpOcrModels models, DecodedImage image, IReadOnlyList<TextQuad> quads, PpOcrSettings settings, CancellationToken cancellationToken)
    {
        var corners = quads.Select(q =>
        {
            var (w, h) = q.Size;
            return h >= 1.5 * w ? q.Turned(1) : q.Corners;
        }).ToArray();
        if (settings.UseDirectionClassifier)
            for (var start = 0; start < corners.Length; start += settings.RecognitionBatch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(settings.RecognitionBatch, corners.Length - start);
                var upsideDown = Classify(models.Classifier, image, corners.AsSpan(start, count));
                for (var i = 0; i < count; i++)
                    if (upsideDown[i]) corners[start + i] = [corners[start + i][2], corners[start + i][3], corners[start + i][0], corners[start + i][1]];
            }

        // Batches of similar aspect ratio pad least (PaddleOCR sorts by it too).
        var order = Enumerable.Range(0, corners.Length).OrderBy(i => AspectRatio(corners[i])).ToArray();
        var lines = new RecognizedLine[corners.Length];
        for (var start = 0; start < order.Length; start += settings.RecognitionBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.AsSpan(start, Math.Min(settings.RecognitionBatch, order.Length - start)).ToArray();
            var texts = Recognize(models, image, [.. batch.Select(i => corners[i])]);
            for (var k = 0; k < batch.Length; k++)
                lines[batch[k]] = new RecognizedLine(quads[batch[k]] with { Corners = corners[batch[k]] }, texts[k].Text, texts[k].Score);
        }
        return [.. lines];
    }

    private static double AspectRatio(SKPoint[] c)
    {
        var width = Math.Max(SKPoint.Distance(c[0], c[1]), SKPoint.Distance(c[3], c[2]));
        var height = Math.Max(SKPoint.Distance(c[0], c[3]), SKPoint.Distance(c[1], c[2]));
        return width / Math.Max(1, height);
    }

    private static int WidthAt48(SKPoint[] corners, int max) => Math.Clamp((int)Math.Ceiling(LineHeight * AspectRatio(corners)), 1, max);

    private static bool[] Classify(OnnxModel model, DecodedImage image, ReadOnlySpan<SKPoint[]> lines)
    {
        var plane = 3 * LineHeight * ClassifierWidth;
        var buffer = new float[plane * lines.Length]; // zero: PaddleOCR pads right with 0 after normalising
        for (var i = 0; i < lines.Length; i++)
        {
            using var crop = image.CutQuad(lines[i], WidthAt48(lines[i], ClassifierWidth), LineHeight);
            TensorPlanes.Write(crop.Bitmap, buffer.AsSpan(i * plane, plane), Normalization, ClassifierWidth, LineHeight);
        }
        return model.Run(buffer, [lines.Length, 3, LineHeight, ClassifierWidth], (data, shape) =>
        {
            var classes = (int)shape[^1];
            var result = new bool[(int)shape[0]];
            for (var i = 0; i < result.Length; i++)
                result[i] = classes >= 2 && data[i * classes + 1] > data[i * classes] && data[i * classes + 1] > ClassifierThreshold;
            return result;
        });
    }

    private static (string Text, double Score)[] Recognize(PpOcrModels models, DecodedImage image, SKPoint[][] lines)
    {
        // The batch is as wide as its widest line, at least 320 (PaddleOCR's rec_image_shape 3×48×320).
        var width = Math.Max(320, lines.Max(l => WidthAt48(l, 4096)));
        var plane = 3 * LineHeight * width;
        var buffer = ArrayPool<float>.Shared.Rent(plane * lines.Length);
        try
        {
            Array.Clear(buffer, 0, plane * lines.Length);
            for (var i = 0; i < lines.Length; i++)
            {
                using var crop = image.CutQuad(lines[i], WidthAt48(lines[i], width), LineHeight);
                TensorPlanes.Write(crop.Bitmap, buffer.AsSpan(i * plane, plane), Normalization, width, LineHeight);
            }
            return models.Recognition.Run(buffer.AsMemory(0, plane * lines.Length), [lines.Length, 3, LineHeight, width],
                (data, shape) => CtcDecoder.Decode(data, (int)shape[0], (int)shape[1], (int)shape[2], models.Characters));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}
