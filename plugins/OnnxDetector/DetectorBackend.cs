using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PluginHost.Imaging;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using SkiaSharp;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>
/// The <c>detector</c> backend: <c>RectangleLabels</c> on <c>Image</c> from a YOLO-family ONNX model
/// (<c>[1, 4+C, N]</c> YOLOv8/11 or <c>[1, N, 5+C]</c> YOLOv5 outputs). The model loads once, in the constructor;
/// a missing or invalid model leaves the backend loaded but unhealthy (<see cref="HealthError"/>), and every predict
/// fails with that message.
/// </summary>
public sealed class DetectorBackend : ILabelStudioBackend, IBackendHealth, IDisposable
{
    private readonly ITaskDataResolver _data;
    private readonly ILogger<DetectorBackend> _logger;
    private readonly DetectorSettings _settings = new();
    private readonly YoloModel? _model;
    private readonly ConcurrentBag<SKBitmap> _canvases = new();

    public DetectorBackend(ITaskDataResolver data, ILogger<DetectorBackend> logger, BackendEnvironment environment)
    {
        _data = data;
        _logger = logger;
        try
        {
            _settings = DetectorSettings.From(environment.Settings);
            if (_settings.ModelPath is null)
                throw new DetectorConfigurationException(
                    $"The {environment.Name} backend has no model: set its Settings.ModelPath to a YOLO .onnx file (absolute, or relative to MODEL_DIR '{environment.ModelDirectory}').");
            var path = environment.ResolvePath(_settings.ModelPath);
            _model = YoloModel.Load(path, _settings);
            _logger.LogInformation("Loaded detector model {Path} ({Width}x{Height}, {Classes} class names, version {Version})",
                path, _model.InputWidth, _model.InputHeight, _model.ClassNames.Count, _model.Version);
        }
        catch (DetectorConfigurationException ex)
        {
            HealthError = ex.Message;
            _logger.LogError("The detector backend is unhealthy: {Error}", ex.Message);
        }
    }

    /// <summary>Null when the model is loaded; otherwise why it is not (shown on /health and by predict).</summary>
    public string? HealthError { get; }

    /// <summary>The model file's name and content hash, so a new model is a new version in Label Studio.</summary>
    public string? Version => _model?.Version;

    public async ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        var model = _model ?? throw new DetectorConfigurationException(HealthError ?? "The detector model is not loaded.");
        var plans = ControlPlan.From(context.RequireLabelConfig(), _settings, model, _logger);
        var work = new List<ImageWork>();
        for (var t = 0; t < context.Tasks.Count; t++)
        {
            var task = context.Tasks[t];
            foreach (var group in plans.GroupBy(p => p.ValueKey))
            {
                var value = task.GetData(group.Key)
                    ?? throw new InvalidDataException($"Task {task.Id} has no data '{group.Key}' for the image of control '{group.First().FromName}'.");
                work.Add(new ImageWork(t, task.Id, value, group.ToList()));
            }
        }

        var batch = model.DynamicBatch ? _settings.BatchSize : 1;
        var chunks = work.Chunk(batch).ToList();
        await Parallel.ForEachAsync(chunks,
            new ParallelOptions { MaxDegreeOfParallelism = _settings.MaxConcurrency, CancellationToken = cancellationToken },
            async (chunk, ct) => await RunChunkAsync(model, chunk, context, ct).ConfigureAwait(false)).ConfigureAwait(false);

        var predictions = new Prediction[context.Tasks.Count];
        foreach (var taskWork in work.GroupBy(w => w.TaskIndex))
        {
            var regions = taskWork.SelectMany(w => w.Regions).ToList();
            predictions[taskWork.Key] = new Prediction(regions, regions.Count == 0 ? 0 : Math.Round(regions.Average(r => r.Score ?? 0), 4));
        }
        for (var t = 0; t < predictions.Length; t++) predictions[t] ??= Prediction.Empty();
        return predictions;
    }

    private async Task RunChunkAsync(YoloModel model, ImageWork[] chunk, PredictContext context, CancellationToken cancellationToken)
    {
        var paths = new string[chunk.Length];
        for (var i = 0; i < chunk.Length; i++)
            paths[i] = await _data.GetLocalPathAsync(chunk[i].Value, chunk[i].TaskId, context.Project, cancellationToken).ConfigureAwait(false);

        var plane = 3 * model.InputWidth * model.InputHeight;
        var buffer = ArrayPool<float>.Shared.Rent(plane * chunk.Length);
        if (!_canvases.TryTake(out var canvas)) canvas = Letterbox.CreateCanvas(model.InputWidth, model.InputHeight);
        try
        {
            var geometry = new LetterboxGeometry[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                try
                {
                    geometry[i] = Letterbox.Prepare(paths[i], canvas, buffer.AsSpan(i * plane, plane));
                }
                catch (InvalidDataException ex)
                {
                    throw new InvalidDataException($"Task {chunk[i].TaskId}: cannot read the image '{chunk[i].Value}': {ex.Message}", ex);
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
            model.Run(buffer.AsMemory(0, plane * chunk.Length), chunk.Length, output =>
            {
                for (var i = 0; i < chunk.Length; i++)
                    foreach (var plan in chunk[i].Plans)
                        chunk[i].Regions.AddRange(plan.ToRegions(output, i, geometry[i], _settings));
                return 0;
            });
        }
        finally
        {
            _canvases.Add(canvas);
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        _model?.Dispose();
        while (_canvases.TryTake(out var canvas)) canvas.Dispose();
    }

    /// <summary>One image of one task, and the controls that annotate it.</summary>
    private sealed record ImageWork(int TaskIndex, long TaskId, string Value, IReadOnlyList<ControlPlan> Plans)
    {
        public List<Region> Regions { get; } = [];
    }
}

/// <summary>How one <c>RectangleLabels</c> control turns model output into regions: its names, threshold and the
/// model-class → config-label map (<c>predicted_values</c> first, then exact and case-insensitive names).</summary>
internal sealed class ControlPlan
{
    private readonly ControlTag _control;
    private readonly IReadOnlyList<string> _classNames;
    private readonly ConcurrentDictionary<int, string?> _labels = new();

    private ControlPlan(ControlTag control, ObjectTag image, float threshold, IReadOnlyList<string> classNames)
    {
        _control = control;
        _classNames = classNames;
        FromName = control.Name;
        ToName = image.Name;
        ValueKey = image.ValueKey;
        Threshold = threshold;
    }

    public string FromName { get; }

    public string ToName { get; }

    public string ValueKey { get; }

    public float Threshold { get; }

    public static IReadOnlyList<ControlPlan> From(LabelConfig config, DetectorSettings settings, YoloModel model, ILogger logger)
    {
        var plans = new List<ControlPlan>();
        foreach (var control in config.Controls)
        {
            if (!control.Type.Equals("rectanglelabels", StringComparison.Ordinal)) continue;
            var image = control.Objects.FirstOrDefault(o => o.Type == "image");
            if (image is null) continue;
            var threshold = control.NumberAttribute("model_score_threshold") ?? settings.ScoreThreshold;
            var plan = new ControlPlan(control, image, (float)threshold, model.ClassNames);
            if (model.ClassNames.Count > 0 && !Enumerable.Range(0, model.ClassNames.Count).Any(c => plan.LabelFor(c) is not null))
                logger.LogWarning("None of the model's classes ({Names}) matches a label of control '{Control}'; add predicted_values to its labels",
                    string.Join(", ", model.ClassNames.Take(10)), control.Name);
            plans.Add(plan);
        }
        if (plans.Count == 0)
            throw new LabelConfigException("The label config has no <RectangleLabels> control linked to an <Image>: the detector predicts rectangles on images.");
        return plans;
    }

    /// <summary>The config label for a model class, or null when the config has none (such boxes are dropped).</summary>
    public string? LabelFor(int classId) => _labels.GetOrAdd(classId, c =>
        _control.LabelMap.Map(c < _classNames.Count ? _classNames[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public IEnumerable<Region> ToRegions(YoloOutput output, int imageIndex, LetterboxGeometry geometry, DetectorSettings settings)
    {
        var detections = YoloDecoder.Decode(output.Image(imageIndex), output.Layout, output.Candidates, output.Classes, output.RowLength,
            Threshold, (float)settings.IouThreshold, settings.MaxDetections, c => LabelFor(c) is not null);
        var regions = new List<Region>(detections.Count);
        var image = new ImageSize(geometry.OriginalWidth, geometry.OriginalHeight);
        foreach (var d in detections)
        {
            var (x1, y1, x2, y2) = (geometry.ToOriginalX(d.X1), geometry.ToOriginalY(d.Y1), geometry.ToOriginalX(d.X2), geometry.ToOriginalY(d.Y2));
            if (!double.IsFinite(x1) || !double.IsFinite(y1) || !double.IsFinite(x2) || !double.IsFinite(y2)) continue;
            if (d.Score > 1)
                throw new DetectorConfigurationException(
                    $"The model gave a confidence of {d.Score} (above 1): its output was probably read in the wrong layout ({output.Layout}). " +
                    "Set the detector's OutputFormat setting to yolov8 ([1, 4+C, N]) or yolov5 ([1, N, 5+C]), or give ClassNames.");
            var box = image.CornersToPercent(x1, y1, x2, y2); // clipped to the image
            if (box.Width <= 0 || box.Height <= 0) continue;
            regions.Add(Regions.Rectangle(FromName, ToName, image, box, [LabelFor(d.ClassId)!], score: Math.Round(d.Score, 4)));
        }
        return regions;
    }
}
