using Microsoft.Extensions.Logging;
using PluginHost.Imaging;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Ocr;

/// <summary>
/// Interactive OCR, shared by the <c>ocr</c> (Tesseract) and <c>ppocr</c> (PP-OCR) backends: the boxes the annotator
/// drew, each image loaded once, every box answered as itself (same id and geometry, as the Python example returns it)
/// plus its transcription in the image's per-region <c>TextArea</c>. Only how a box is read differs between them.
/// </summary>
internal static class DrawnBoxReading
{
    /// <summary>Reads the drawn boxes of one image: per box its text and a 0–1 score, or null when nothing was read.</summary>
    public delegate Task<IReadOnlyList<(string Text, double Score)?>> ReadBoxes(DecodedImage image, IReadOnlyList<AnnotationRegion> boxes, CancellationToken cancellationToken);

    /// <summary>Loads (or leases from a cache) the decoded image a task shows in <paramref name="imageTag"/>.</summary>
    public delegate Task<DecodedImageCache.Lease> LoadImage(LabelStudioTask task, ObjectTag imageTag, CancellationToken cancellationToken);

    /// <summary>The prediction for the context's drawn boxes: Label Studio sends one task and reads <c>results[0]</c>,
    /// any further task gets an empty item to keep the order; no box, no prediction (Label Studio shows no suggestion).</summary>
    public static async Task<IReadOnlyList<Prediction>> AnswerAsync(LabelConfig config, InteractiveContext interactive, PredictContext context,
        LoadImage loadImage, ReadBoxes readBoxes, ILogger logger, CancellationToken cancellationToken)
    {
        var boxes = (interactive.Result ?? []).Where(r => OcrControls.IsRectangle(r.Type)).ToList();
        if (boxes.Count == 0 || context.Tasks.Count == 0) return [];
        var task = context.Tasks[0];
        var regions = new List<Region>();
        var scores = new List<double>();
        foreach (var group in boxes.GroupBy(b => b.ToName, StringComparer.Ordinal))
        {
            var imageTag = OcrControls.Image(config, group.Key);
            var textArea = OcrControls.TextAreaFor(config, imageTag);
            using var lease = await loadImage(task, imageTag, cancellationToken).ConfigureAwait(false);
            var image = lease.Image;
            var drawn = group.ToList();
            if (drawn.FirstOrDefault(b => b.OriginalWidth == image.Height && b.OriginalHeight == image.Width && image.Width != image.Height) is { } turned)
                logger.LogWarning("Task {Task}: the box was drawn on a {Width}x{Height} image but the image is {ActualWidth}x{ActualHeight} upright " +
                    "(EXIF orientation applied); the crop may miss the text", task.Id, turned.OriginalWidth, turned.OriginalHeight, image.Width, image.Height);
            var texts = await readBoxes(image, drawn, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < drawn.Count; i++)
            {
                var shape = DrawnBoxes.Echo(drawn[i], image.Width, image.Height);
                regions.Add(shape);
                if (texts[i] is not { Text.Length: > 0 } read) continue;
                var score = Math.Round(Math.Clamp(read.Score, 0, 1), 4);
                regions.Add(DrawnBoxes.WithOrigin(Regions.TextArea(textArea.Name, shape, [read.Text], score), drawn[i].Origin));
                scores.Add(score);
            }
        }
        var prediction = new Prediction(regions, scores.Count == 0 ? 0 : Math.Round(scores.Average(), 4));
        return [prediction, .. context.Tasks.Skip(1).Select(_ => Prediction.Empty())];
    }
}
