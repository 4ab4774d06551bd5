using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Plugins.Segmentation.GroundingDino;
using PluginHost.Plugins.Segmentation.Sam;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Plugins.Segmentation;

/// <summary>
/// The <c>groundingsam</c> backend (the Python SDK's <c>grounding_sam</c>): Grounding DINO finds the boxes for a typed
/// phrase (or, in batch, for the mask control's labels), and each box is a SAM box prompt whose mask becomes one
/// <c>BrushLabels</c> (or <c>PolygonLabels</c>) region; a <c>RectangleLabels</c> control on the same image gets the boxes too.
/// The image embedding is cached as in <c>sam</c>.
/// </summary>
public sealed class GroundingSamBackend : ILabelStudioBackend, IDisposable
{
    private readonly SamSettings _samSettings;
    private readonly SegmentationMetrics _metrics;
    private readonly SamSegmenter? _sam;
    private readonly GroundingDinoDetector? _dino;

    public GroundingSamBackend(IOptions<SamSettings> samOptions, IOptions<GroundingDinoSettings> dinoOptions, ITaskDataResolver data,
        ILogger<GroundingSamBackend> logger, BackendEnvironment environment)
    {
        _samSettings = samOptions.Value;
        SamSegmenter? sam = null;
        _metrics = new SegmentationMetrics(environment.Name, () => sam?.Cache.Bytes ?? 0);
        var problems = new List<string>();
        _sam = sam = ModelLoading.TryLoad(() => SamSegmenter.Load(_samSettings, environment, data, _metrics), logger, environment.Name, problems);
        _dino = ModelLoading.TryLoad(() => GroundingDinoDetector.Load(dinoOptions.Value, environment, data, _metrics), logger, environment.Name, problems);
        HealthError = ModelLoading.HealthError(problems);
        if (_sam is null || _dino is null) return;
        Version = $"{_dino.Version}+{_sam.Version}";
        logger.LogInformation("Grounding SAM backend {Name} ready, version {Version}", environment.Name, Version);
    }

    public string? HealthError { get; }

    public string? Version { get; }

    internal SamSegmenter? Segmenter => _sam;

    internal GroundingDinoDetector? Detector => _dino;

    public async ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        if (_sam is not { } sam || _dino is not { } dino) throw new ModelConfigurationException(HealthError ?? "The Grounding SAM models are not loaded.");
        var config = context.RequireLabelConfig();
        var target = MaskTarget.Find(config);
        var boxControl = config.FindControl("RectangleLabels", objectType: "Image", toName: target.Image.Name);
        var phrases = context.Interactive?.Result is { Count: > 0 } result
            ? CaptionPhrases.PromptText(result) is { } prompt ? CaptionPhrases.FromPrompt(prompt, target.Control) : []
            : CaptionPhrases.FromLabels(target.Control);
        if (phrases.Count == 0) return context.Tasks.Select(_ => Prediction.Empty()).ToList();
        var caption = dino.Caption(phrases);
        var threshold = target.Control.NumberAttribute("model_score_threshold") ?? dino.Settings.BoxThreshold;

        var predictions = new List<Prediction>(context.Tasks.Count);
        foreach (var task in context.Tasks)
        {
            var value = task.GetData(target.Image.ValueKey)
                ?? throw new InvalidDataException($"Task {task.Id} has no data '{target.Image.ValueKey}' for the image '{target.Image.Name}'.");
            var (boxes, width, height) = await dino.DetectAsync(value, task.Id, context.Project, caption, threshold, cancellationToken).ConfigureAwait(false);
            var regions = new List<Region>();
            if (boxes.Any(b => b.Phrase.Label is not null))
            {
                var (embedding, _) = await sam.EmbedAsync(value, task.Id, context.Project, cancellationToken).ConfigureAwait(false);
                var size = new ImageSize(width, height);
                foreach (var box in boxes)
                {
                    if (box.Phrase.Label is not { } label) continue;
                    cancellationToken.ThrowIfCancellationRequested();
                    var mask = sam.Segment(embedding, new SamPrompt([], new PromptBox(box.X1, box.Y1, box.X2, box.Y2)));
                    if (mask.Area == 0) continue;
                    regions.Add(target.ToRegion(mask, label, _samSettings.PolygonTolerance, box.Score));
                    if (boxControl?.LabelMap.Map(label) is { } boxLabel && size.CornersToPercent(box.X1, box.Y1, box.X2, box.Y2) is { Width: > 0, Height: > 0 } percent)
                        regions.Add(Regions.Rectangle(boxControl.Name, target.Image.Name, size, percent, [boxLabel], score: Math.Round(box.Score, 4)));
                }
            }
            predictions.Add(new Prediction(regions, regions.Count == 0 ? 0 : Math.Round(regions.Average(r => r.Score ?? 0), 4)));
        }
        return predictions;
    }

    public void Dispose()
    {
        _sam?.Dispose();
        _dino?.Dispose();
        _metrics.Dispose();
    }
}
