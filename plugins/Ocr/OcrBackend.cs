using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Imaging;
using PluginHost.Plugins.Ocr.Tesseract;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Ocr;

/// <summary>
/// The <c>ocr</c> backend (the Python SDK's <c>tesseract</c> example): the annotator draws a box on an image, the
/// backend reads the text inside it with Tesseract and answers the box with its transcription as a per-region
/// <c>TextArea</c> (same id and geometry). Without an interactive context it pre-annotates whole pages: one box and
/// transcription per text line (or word). Tesseract engines are created once and pooled; a missing libtesseract or
/// language leaves the backend loaded but unhealthy, with the install command in <see cref="HealthError"/>.
/// </summary>
public sealed class OcrBackend : ILabelStudioBackend, IDisposable
{
    private readonly ITaskDataResolver _data;
    private readonly ILogger<OcrBackend> _logger;
    private readonly OcrSettings _settings = new();
    private readonly TesseractPool? _pool;
    private readonly DecodedImageCache _images;

    public OcrBackend(IOptions<OcrSettings> options, ITaskDataResolver data, ILogger<OcrBackend> logger, BackendEnvironment environment)
    {
        _data = data;
        _logger = logger;
        _images = new DecodedImageCache(0);
        try
        {
            _settings = ReadSettings(options);
            _images = new DecodedImageCache(_settings.DecodedImageCacheMegapixels * 1_000_000L);
            var tessdata = TessdataLocation.Find(_settings.TessdataPath is { Length: > 0 } path ? environment.ResolvePath(path) : null);
            TesseractLibrary.EnsureLoaded(_settings.OpenMpThreadLimit, logger);
            tessdata.Check(_settings.Language);
            var language = _settings.Language;
            var variables = _settings.Variables;
            var first = TesseractEngine.Create(tessdata, language, variables);
            _pool = new TesseractPool(_settings.MaxConcurrency, first, () => TesseractEngine.Create(tessdata, language, variables));
            Version = $"tesseract{TesseractLibrary.Version}-{language}";
            _logger.LogInformation("OCR backend {Name} ready: Tesseract {Version}, language {Language} from {Tessdata}, up to {Engines} engines",
                environment.Name, TesseractLibrary.Version, language, tessdata.Directory ?? "(default)", _settings.MaxConcurrency);
        }
        catch (Exception ex) when (ex is OcrConfigurationException or DllNotFoundException or EntryPointNotFoundException)
        {
            HealthError = ex is OcrConfigurationException
                ? ex.Message
                : $"libtesseract cannot be used ({ex.Message}). Install it: apt-get install tesseract-ocr tesseract-ocr-eng libtesseract5";
            _logger.LogError("The OCR backend {Name} is unhealthy: {Error}", environment.Name, HealthError);
        }
    }

    /// <summary>Null when Tesseract is ready; otherwise what is missing and how to install it.</summary>
    public string? HealthError { get; }

    /// <summary>The Tesseract version and language: other data, other predictions.</summary>
    public string? Version { get; }

    internal OcrSettings Settings => _settings;

    /// <summary>Engines created so far (tests and diagnostics).</summary>
    internal int EnginesCreated => _pool?.Created ?? 0;

    /// <summary>Images decoded so far (the rest came from the decoded-image cache).</summary>
    internal int ImagesDecoded => _images.Decodes;

    public async ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        var pool = _pool ?? throw new OcrConfigurationException(HealthError ?? "Tesseract is not loaded.");
        var config = context.RequireLabelConfig();
        if (context.Interactive is { } interactive) return await ReadDrawnBoxesAsync(pool, config, interactive, context, cancellationToken).ConfigureAwait(false);
        if (_settings.BatchMode == OcrBatchMode.Off) return context.Tasks.Select(_ => Prediction.Empty()).ToList();
        return await ReadPagesAsync(pool, config, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Interactive: OCR of every box in the context, answered as the box plus its per-region TextArea.</summary>
    private async Task<IReadOnlyList<Prediction>> ReadDrawnBoxesAsync(TesseractPool pool, LabelConfig config, InteractiveContext interactive,
        PredictContext context, CancellationToken cancellationToken)
    {
        var boxes = (interactive.Result ?? []).Where(r => OcrControls.IsRectangle(r.Type)).ToList();
        if (boxes.Count == 0 || context.Tasks.Count == 0) return []; // nothing to read: Label Studio shows no suggestion
        var task = context.Tasks[0];
        var regions = new List<Region>();
        var confidences = new List<double>();
        foreach (var group in boxes.GroupBy(b => b.ToName, StringComparer.Ordinal))
        {
            var imageTag = OcrControls.Image(config, group.Key);
            var textArea = OcrControls.TextAreaFor(config, imageTag);
            using var lease = await LoadImageAsync(task, imageTag, context, cancellationToken).ConfigureAwait(false);
            var image = lease.Image;
            var drawn = group.ToList();
            if (drawn.FirstOrDefault(b => b.OriginalWidth == image.Height && b.OriginalHeight == image.Width && image.Width != image.Height) is { } turned)
                _logger.LogWarning("Task {Task}: the box was drawn on a {Width}x{Height} image but the image is {ActualWidth}x{ActualHeight} upright " +
                    "(EXIF orientation applied); the crop may miss the text", task.Id, turned.OriginalWidth, turned.OriginalHeight, image.Width, image.Height);
            var shapes = drawn.Select(b => DrawnBoxes.Echo(b, image.Width, image.Height)).ToList();
            var texts = await ReadBoxesAsync(pool, image, drawn, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < drawn.Count; i++)
            {
                regions.Add(shapes[i]);
                if (texts[i] is not { } read || read.Text.Length == 0) continue;
                var score = Math.Round(Math.Clamp(read.Confidence / 100.0, 0, 1), 4);
                regions.Add(DrawnBoxes.WithOrigin(Regions.TextArea(textArea.Name, shapes[i], [read.Text], score), drawn[i].Origin));
                confidences.Add(score);
            }
        }
        var prediction = new Prediction(regions, confidences.Count == 0 ? 0 : Math.Round(confidences.Average(), 4));
        // Label Studio sends one task and reads results[0]; any further task gets an empty item to keep the order.
        return [prediction, .. context.Tasks.Skip(1).Select(_ => Prediction.Empty())];
    }

    /// <summary>Cuts each box out (sequentially: cheap) and reads the crops in parallel on pooled engines.</summary>
    private async Task<OcrText?[]> ReadBoxesAsync(TesseractPool pool, DecodedImage image, IReadOnlyList<AnnotationRegion> boxes, CancellationToken cancellationToken)
    {
        var crops = new ImageCrop?[boxes.Count];
        try
        {
            for (var i = 0; i < boxes.Count; i++)
                crops[i] = image.Cut(DrawnBoxes.Geometry(boxes[i], image.Width, image.Height), _settings.CropPadding);
            var texts = new OcrText?[boxes.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, boxes.Count),
                new ParallelOptions { MaxDegreeOfParallelism = pool.Size, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    if (crops[i] is not { } crop) return; // off the image: nothing to read
                    using var lease = await pool.RentAsync(ct).ConfigureAwait(false);
                    var read = lease.Engine.Read(crop.Pixels(), _settings.PageSegMode, ct);
                    texts[i] = read with { Text = CleanText(read.Text) };
                }).ConfigureAwait(false);
            return texts;
        }
        finally
        {
            foreach (var crop in crops) crop?.Dispose();
        }
    }

    /// <summary>Batch: every page OCRed whole; each line (or word) becomes a box with its transcription.</summary>
    private async Task<IReadOnlyList<Prediction>> ReadPagesAsync(TesseractPool pool, LabelConfig config, PredictContext context, CancellationToken cancellationToken)
    {
        var targets = OcrControls.PageTargets(config, string.IsNullOrWhiteSpace(_settings.BatchLabel) ? null : _settings.BatchLabel.Trim());
        var level = _settings.BatchMode == OcrBatchMode.Words ? PageIteratorLevel.Word : PageIteratorLevel.TextLine;
        var work = context.Tasks.SelectMany((task, index) => targets.Select(target => (Index: index, Task: task, Target: target))).ToList();
        var found = new List<Region>[work.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, work.Count),
            new ParallelOptions { MaxDegreeOfParallelism = pool.Size, CancellationToken = cancellationToken },
            async (w, ct) =>
            {
                var (_, task, target) = work[w];
                using var image = await LoadImageAsync(task, target.Image, context, ct).ConfigureAwait(false);
                List<OcrItem> items;
                using (var lease = await pool.RentAsync(ct).ConfigureAwait(false))
                    items = lease.Engine.ReadItems(image.Image.Pixels(), _settings.BatchPageSegMode, level, ct);
                found[w] = PageRegions(items, target, image.Image.Width, image.Image.Height);
            }).ConfigureAwait(false);

        return OcrControls.PagePredictions(context.Tasks.Count, [.. work.Select(w => w.Index)], found);
    }

    private List<Region> PageRegions(List<OcrItem> items, PageTarget target, int width, int height)
    {
        var size = new ImageSize(width, height);
        var regions = new List<Region>(items.Count * 2);
        foreach (var item in items)
        {
            var score = Math.Round(Math.Clamp(item.Confidence / 100.0, 0, 1), 4);
            if (score < _settings.BatchMinConfidence) continue;
            var box = size.ToPercent(item.Left, item.Top, item.Right - item.Left, item.Bottom - item.Top);
            if (box.Width <= 0 || box.Height <= 0) continue;
            var shape = target.Label is { } label
                ? Regions.Rectangle(target.Shape.Name, target.Image.Name, size, box, [label], score: score)
                : DrawnBoxes.PlainRectangle(target.Shape.Name, target.Image.Name, size, box, score);
            regions.Add(shape);
            regions.Add(Regions.TextArea(target.TextArea.Name, shape, [item.Text], score));
        }
        return regions;
    }

    private async Task<DecodedImageCache.Lease> LoadImageAsync(LabelStudioTask task, ObjectTag imageTag, PredictContext context, CancellationToken cancellationToken)
    {
        var value = task.GetData(imageTag.ValueKey)
            ?? throw new InvalidDataException($"Task {task.Id} has no data '{imageTag.ValueKey}' for image '{imageTag.Name}'.");
        var path = await _data.GetLocalPathAsync(value, task.Id, context.Project, cancellationToken).ConfigureAwait(false);
        try
        {
            return _images.Get(path, bytes => DecodedImage.Load(bytes, ImagePixels.Gray8, _settings.MaxImagePixels));
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"Task {task.Id}: cannot read the image '{Shorten(value)}': {ex.Message}", ex);
        }
    }

    /// <summary>Tesseract's text without trailing blanks and empty lines (it ends every block with a newline).</summary>
    internal static string CleanText(string text) =>
        string.Join('\n', text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0)).Trim();

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..77] + "...";

    private static OcrSettings ReadSettings(IOptions<OcrSettings> options)
    {
        OcrSettings settings;
        try
        {
            settings = options.Value;
        }
        catch (InvalidOperationException ex)
        {
            // The configuration binder failed, e.g. a word where a number belongs.
            throw new OcrConfigurationException($"The OCR settings cannot be read: {ex.Message}", ex);
        }
        settings.Validate();
        return settings;
    }

    public void Dispose()
    {
        _pool?.Dispose();
        _images.Dispose();
    }
}
