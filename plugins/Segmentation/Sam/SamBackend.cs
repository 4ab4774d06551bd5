using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Plugins.Segmentation.Sam;

/// <summary>
/// The <c>sam</c> backend (the Python SDK's <c>segment_anything_model</c>): the annotator clicks on an object
/// (<c>KeyPointLabels</c>, positive or negative) or draws a box (<c>RectangleLabels</c>) with a smart tool, and gets
/// one <c>BrushLabels</c> mask (or <c>PolygonLabels</c> outline) with the prompt's label. The image embedding is
/// computed once per image and cached, so further clicks only run the decoder. A batch <c>/predict</c> without
/// context prewarms the cache for its tasks and stores no prediction.
/// </summary>
public sealed class SamBackend : ILabelStudioBackend, IDisposable
{
    private readonly ILogger<SamBackend> _logger;
    private readonly SamSettings _settings;
    private readonly SegmentationMetrics _metrics;
    private readonly SamSegmenter? _sam;

    public SamBackend(IOptions<SamSettings> options, ITaskDataResolver data, ILogger<SamBackend> logger, BackendEnvironment environment)
    {
        _logger = logger;
        _settings = options.Value;
        SamSegmenter? sam = null;
        _metrics = new SegmentationMetrics(environment.Name, () => sam?.Cache.Bytes ?? 0);
        var problems = new List<string>();
        _sam = sam = ModelLoading.TryLoad(() => SamSegmenter.Load(_settings, environment, data, _metrics), logger, environment.Name, problems);
        HealthError = ModelLoading.HealthError(problems);
        if (_sam is null) return;
        Version = _sam.Version;
        _logger.LogInformation("SAM backend {Name} ready: encoder input {Size}, embedding cache {Megabytes} MB, version {Version}",
            environment.Name, _sam.EncoderInputSize, _settings.EmbeddingCacheMegabytes, Version);
    }

    /// <summary>Null when both models are loaded; otherwise what is wrong (shown on /health, answered with 503).</summary>
    public string? HealthError { get; }

    /// <summary>Both model files' names and hashes: new weights are a new version in Label Studio.</summary>
    public string? Version { get; }

    internal SamSegmenter? Segmenter => _sam;

    public async ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        var sam = _sam ?? throw new ModelConfigurationException(HealthError ?? "The SAM models are not loaded.");
        var config = context.RequireLabelConfig();
        if (context.Interactive?.Result is not { Count: > 0 } prompts)
        {
            await PrewarmAsync(sam, context, MaskTarget.Find(config).Image, cancellationToken).ConfigureAwait(false);
            return []; // as the Python example: no context, no prediction (Label Studio stores nothing)
        }

        var imageName = prompts.Select(p => p.ToName).FirstOrDefault(n => config.GetObject(n)?.Type == "image");
        var target = MaskTarget.Find(config, imageName);
        var predictions = new List<Prediction>(context.Tasks.Count);
        foreach (var task in context.Tasks)
        {
            var value = task.GetData(target.Image.ValueKey)
                ?? throw new InvalidDataException($"Task {task.Id} has no data '{target.Image.ValueKey}' for the image '{target.Image.Name}'.");
            var (embedding, _) = await sam.EmbedAsync(value, task.Id, context.Project, cancellationToken).ConfigureAwait(false);
            var (prompt, promptLabel) = PromptReader.Read(prompts, target.Image.Name, embedding.ImageWidth, embedding.ImageHeight);
            if (prompt.IsEmpty)
            {
                predictions.Add(Prediction.Empty());
                continue;
            }
            var label = target.MapLabel(promptLabel)
                ?? throw new LabelConfigException(
                    $"The prompt's label '{promptLabel}' is not a label of <{target.Control.Tag} name=\"{target.Control.Name}\">: give both controls the same labels (or predicted_values).");
            cancellationToken.ThrowIfCancellationRequested();
            var mask = sam.Segment(embedding, prompt);
            if (mask.Area == 0)
            {
                predictions.Add(Prediction.Empty());
                continue;
            }
            var region = target.ToRegion(mask, label, _settings.PolygonTolerance);
            predictions.Add(new Prediction([region], region.Score));
        }
        return predictions;
    }

    /// <summary>Encodes (and caches) the image of every task, a few at a time; a cancelled request keeps what it finished.</summary>
    private async Task PrewarmAsync(SamSegmenter sam, PredictContext context, ObjectTag image, CancellationToken cancellationToken)
    {
        var work = context.Tasks.Select(t => (Task: t, Value: t.GetData(image.ValueKey))).Where(w => w.Value is not null).ToList();
        await Parallel.ForEachAsync(work,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _settings.EncoderConcurrency), CancellationToken = cancellationToken },
            async (w, ct) => await sam.EmbedAsync(w.Value!, w.Task.Id, context.Project, ct).ConfigureAwait(false)).ConfigureAwait(false);
        _logger.LogInformation("Prewarmed {Count} image embeddings; cache holds {Entries} ({Megabytes:0.#} MB)",
            work.Count, sam.Cache.Count, sam.Cache.Bytes / 1048576.0);
    }

    public void Dispose()
    {
        _sam?.Dispose();
        _metrics.Dispose();
    }
}
