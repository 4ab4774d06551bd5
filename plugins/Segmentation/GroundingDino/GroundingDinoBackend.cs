using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Plugins.Segmentation.GroundingDino;

/// <summary>
/// The <c>groundingdino</c> backend (the Python SDK's <c>grounding_dino</c>): the annotator types a phrase in a
/// <c>TextArea</c> ("car", "red car . person") and gets <c>RectangleLabels</c> boxes for it; without context
/// (batch pre-annotation) the caption is the <c>RectangleLabels</c>' own labels ("car . person . dog .").
/// </summary>
public sealed class GroundingDinoBackend : ILabelStudioBackend, IDisposable
{
    private readonly SegmentationMetrics _metrics;
    private readonly GroundingDinoDetector? _dino;

    public GroundingDinoBackend(IOptions<GroundingDinoSettings> options, ITaskDataResolver data, ILogger<GroundingDinoBackend> logger, BackendEnvironment environment)
    {
        _metrics = new SegmentationMetrics(environment.Name);
        var problems = new List<string>();
        _dino = ModelLoading.TryLoad(() => GroundingDinoDetector.Load(options.Value, environment, data, _metrics), logger, environment.Name, problems);
        HealthError = ModelLoading.HealthError(problems);
        if (_dino is null) return;
        Version = _dino.Version;
        logger.LogInformation("Grounding DINO backend {Name} ready, version {Version}", environment.Name, Version);
    }

    public string? HealthError { get; }

    public string? Version { get; }

    internal GroundingDinoDetector? Detector => _dino;

    public async ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        var dino = _dino ?? throw new ModelConfigurationException(HealthError ?? "The Grounding DINO model is not loaded.");
        var config = context.RequireLabelConfig();
        var control = config.FindControl("RectangleLabels", objectType: "Image")
            ?? throw new LabelConfigException("The label config has no <RectangleLabels> control linked to an <Image>: Grounding DINO predicts boxes.");
        var image = control.Objects.First(o => o.Type == "image");
        var phrases = context.Interactive?.Result is { Count: > 0 } result
            ? CaptionPhrases.PromptText(result) is { } prompt ? CaptionPhrases.FromPrompt(prompt, control) : []
            : CaptionPhrases.FromLabels(control);
        if (phrases.Count == 0) return context.Tasks.Select(_ => Prediction.Empty()).ToList();
        var caption = dino.Caption(phrases);
        var threshold = control.NumberAttribute("model_score_threshold") ?? dino.Settings.BoxThreshold;

        var predictions = new List<Prediction>(context.Tasks.Count);
        foreach (var task in context.Tasks)
        {
            var value = task.GetData(image.ValueKey)
                ?? throw new InvalidDataException($"Task {task.Id} has no data '{image.ValueKey}' for the image '{image.Name}'.");
            var (boxes, width, height) = await dino.DetectAsync(value, task.Id, context.Project, caption, threshold, cancellationToken).ConfigureAwait(false);
            var size = new ImageSize(width, height);
            var regions = new List<Region>();
            foreach (var box in boxes)
            {
                if (box.Phrase.Label is not { } label) continue;
                var percent = size.CornersToPercent(box.X1, box.Y1, box.X2, box.Y2);
                if (percent.Width <= 0 || percent.Height <= 0) continue;
                regions.Add(Regions.Rectangle(control.Name, image.Name, size, percent, [label], score: Math.Round(box.Score, 4)));
            }
            predictions.Add(new Prediction(regions, regions.Count == 0 ? 0 : Math.Round(regions.Average(r => r.Score ?? 0), 4)));
        }
        return predictions;
    }

    public void Dispose()
    {
        _dino?.Dispose();
        _metrics.Dispose();
    }
}
