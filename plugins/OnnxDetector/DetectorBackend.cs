using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Imaging;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Predictions;
using SkiaSharp;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>
/// The <c>detector</c> (and <c>yolo</c>) backend: the YOLO task family on ONNX Runtime, as the Python SDK's <c>yolo</c>
/// example — the control tag picks the task (<c>RectangleLabels</c> boxes or oriented boxes, <c>PolygonLabels</c> and
/// <c>BrushLabels</c> instance masks, <c>KeyPointLabels</c> pose, <c>Choices</c> classification) and its
/// <c>model_path</c> attribute or the settings pick the model. Models load once (configured ones in the constructor;
/// a missing or invalid one leaves the backend loaded but unhealthy, <see cref="HealthError"/>); images of one model
/// run together in batches when its batch axis is dynamic.
/// </summary>
public sealed class DetectorBackend : ILabelStudioBackend, IDisposable
{
    private readonly ITaskDataResolver _data;
    private readonly ILogger<DetectorBackend> _logger;
    private readonly DetectorSettings _settings = new();
    private readonly YoloModels _models;
    private readonly ConcurrentDictionary<(int Width, int Height), ConcurrentBag<SKBitmap>> _canvases = new();

    public DetectorBackend(ITaskDataResolver data, ILogger<DetectorBackend> logger, BackendEnvironment environment, IOptions<DetectorSettings> settings)
    {
        _data = data;
        _logger = logger;
        try
        {
            _settings = Bound(settings).Validate(environment.Settings["ClassNames"]);
            _models = new YoloModels(_settings, environment, logger);
            var configured = new[] { _settings.ModelPath }.Concat(_settings.TaskModels.Values).OfType<string>().Distinct().ToList();
            if (configured.Count == 0)
                throw new DetectorConfigurationException(
                    $"The {environment.Name} backend has no model: set its Settings.ModelPath (or Settings.Models:<task>) to a YOLO .onnx file (absolute, or relative to MODEL_DIR '{environment.ModelDirectory}'), " +
                    "or give each control a model_path attribute.");
            foreach (var path in configured) _models.Get(path);
            Version = string.Join("+", _models.Loaded.Select(m => m.Version).Order(StringComparer.Ordinal));
        }
        catch (DetectorConfigurationException ex)
        {
            HealthError = ex.Message;
            _logger.LogError("The detector backend is unhealthy: {Error}", ex.Message);
        }
        _models ??= new YoloModels(_settings, environment, logger);
    }

    /// <summary>The bound settings; a value the binder cannot convert (<c>"abc"</c> for a number) is a configuration error.</summary>
    private static DetectorSettings Bound(IOptions<DetectorSettings> settings)
    {
        try
        {
            return settings.Value;
        }
        catch (InvalidOperationException ex)
        {
            throw new DetectorConfigurationException($"The detector's settings cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Null when the configured models are loaded; otherwise why they are not (shown on /health; the host
    /// answers every predict with 503 and this reason).</summary>
    public string? HealthError { get; }

    /// <summary>The configured model files' names and content hashes, so a new model is a new version in Label Studio.</summary>
    public string? Version { get; }

    public async ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        var plans = ControlPlans.From(context.RequireLabelConfig(), _settings, ModelFor, _logger);
        var work = new List<ImageWork>();
        for (var t = 0; t < context.Tasks.Count; t++)
        {
            var task = context.Tasks[t];
            foreach (var group in plans.GroupBy(p => (p.Model, p.ValueKey)))
            {
                var value = task.GetData(group.Key.ValueKey)
                    ?? throw new InvalidDataException($"Task {task.Id} has no data '{group.Key.ValueKey}' for the image of control '{group.First().FromName}'.");
                work.Add(new ImageWork(t, task.Id, value, group.Key.Model, group.ToList()));
            }
        }

        var chunks = work.GroupBy(w => w.Model).SelectMany(g => g.Chunk(g.Key.DynamicBatch ? _settings.BatchSize : 1)).ToList();
        await Parallel.ForEachAsync(chunks,
            new ParallelOptions { MaxDegreeOfParallelism = _settings.MaxConcurrency, CancellationToken = cancellationToken },
            async (chunk, ct) => await RunChunkAsync(chunk, context, ct).ConfigureAwait(false)).ConfigureAwait(false);

        var predictions = new Prediction[context.Tasks.Count];
        foreach (var taskWork in work.GroupBy(w => w.TaskIndex))
        {
            var regions = taskWork.SelectMany(w => w.Regions).ToList();
            predictions[taskWork.Key] = new Prediction(regions, regions.Count == 0 ? 0 : Math.Round(regions.Average(r => r.Score ?? 0), 4));
        }
        for (var t = 0; t < predictions.Length; t++) predictions[t] ??= Prediction.Empty();
        return predictions;
    }

    /// <summary>A control's model: configured ones must have loaded (else the health error is the answer).</summary>
    private YoloModel ModelFor(string? controlPath, YoloTask task)
    {
        if (HealthError is not null && string.IsNullOrWhiteSpace(controlPath)) throw new DetectorConfigurationException(HealthError);
        return _models.For(controlPath, task);
    }

    private async Task RunChunkAsync(ImageWork[] chunk, PredictContext context, CancellationToken cancellationToken)
    {
        var model = chunk[0].Model;
        var paths = new string[chunk.Length];
        for (var i = 0; i < chunk.Length; i++)
            paths[i] = await _data.GetLocalPathAsync(chunk[i].Value, chunk[i].TaskId, context.Project, cancellationToken).ConfigureAwait(false);

        var plane = 3 * model.InputWidth * model.InputHeight;
        var buffer = ArrayPool<float>.Shared.Rent(plane * chunk.Length);
        var pool = _canvases.GetOrAdd((model.InputWidth, model.InputHeight), _ => []);
        if (!pool.TryTake(out var canvas)) canvas = Letterbox.CreateCanvas(model.InputWidth, model.InputHeight);
        try
        {
            var fit = model.Task == YoloTask.Classify ? LetterboxOptions.CenterCrop : LetterboxOptions.Yolo;
            var geometry = new LetterboxGeometry[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                try
                {
                    geometry[i] = Letterbox.Prepare(paths[i], canvas, buffer.AsSpan(i * plane, plane), fit);
                }
                catch (InvalidDataException ex)
                {
                    throw new InvalidDataException($"Task {chunk[i].TaskId}: cannot read the image '{chunk[i].Value}': {ex.Message}", ex);
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
            using var output = model.Run(buffer.AsMemory(0, plane * chunk.Length), chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
                foreach (var plan in chunk[i].Plans)
                    chunk[i].Regions.AddRange(plan.ToRegions(output, i, geometry[i], _settings));
        }
        finally
        {
            pool.Add(canvas);
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        _models.Dispose();
        foreach (var pool in _canvases.Values)
            while (pool.TryTake(out var canvas)) canvas.Dispose();
    }

    /// <summary>One image of one task for one model, and the controls that read its output.</summary>
    private sealed record ImageWork(int TaskIndex, long TaskId, string Value, YoloModel Model, IReadOnlyList<ControlPlan> Plans)
    {
        public List<Region> Regions { get; } = [];
    }
}
