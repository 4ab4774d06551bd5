using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>The detector's settings: <c>Backends:&lt;name&gt;:Settings</c>, bound by the host like every plugin's
/// <c>[BackendSettings]</c> class; <see cref="Validate"/> turns values out of range into a clear health error.</summary>
[BackendSettings]
public sealed class DetectorSettings
{
    /// <summary>The .onnx file: absolute, or relative to MODEL_DIR (then to the plugin folder).</summary>
    public string? ModelPath { get; set; }

    /// <summary>Models per task (<c>detect</c>, <c>obb</c>, <c>segment</c>, <c>pose</c>, <c>classify</c>), used by controls of
    /// that task without a <c>model_path</c> attribute; <see cref="ModelPath"/> serves the tasks not listed.</summary>
    public Dictionary<string, string> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><see cref="Models"/> by task, filled by <see cref="Validate"/>.</summary>
    internal IReadOnlyDictionary<YoloTask, string> TaskModels { get; private set; } = new Dictionary<YoloTask, string>();

    /// <summary>Whether a control's <c>model_path</c> attribute may pick the model (the Python example's
    /// <c>ALLOW_CUSTOM_MODEL_PATH</c>); relative paths resolve against MODEL_DIR.</summary>
    public bool AllowCustomModelPath { get; set; } = true;

    /// <summary>Pose: keypoints whose visibility is below this are left out; a control's <c>model_point_threshold</c> overrides it.</summary>
    public double KeypointThreshold { get; set; } = 0.5;

    /// <summary>Segmentation → polygons: Douglas–Peucker tolerance in model-input pixels (0 keeps every corner).</summary>
    public double PolygonTolerance { get; set; } = 1.0;

    /// <summary>Minimum confidence; a control's <c>model_score_threshold</c> attribute overrides it.</summary>
    public double ScoreThreshold { get; set; } = 0.25;

    /// <summary>Boxes of the same class overlapping more than this (IoU) are suppressed.</summary>
    public double IouThreshold { get; set; } = 0.45;

    /// <summary>Class names by class index, as an array (<c>["car","bus"]</c>) or one comma-separated string; when empty
    /// the model's <c>names</c> metadata is used.</summary>
    public List<string> ClassNames { get; set; } = [];

    /// <summary>The square input size used when the model's input has dynamic height/width.</summary>
    public int InputSize { get; set; } = 640;

    /// <summary>At most this many boxes per image and control.</summary>
    public int MaxDetections { get; set; } = 300;

    /// <summary>Images run together in one inference call when the model's batch dimension is dynamic.</summary>
    public int BatchSize { get; set; } = 4;

    /// <summary>Tasks of one request processed at once (fetch, decode and inference overlap).</summary>
    public int MaxConcurrency { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>ONNX Runtime threads per inference call; 0 lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary><c>auto</c> (from the output shape), <c>yolov8</c> (<c>[1, 4+C, N]</c>) or <c>yolov5</c> (<c>[1, N, 5+C]</c>).</summary>
    public string OutputFormat { get; set; } = "auto";

    /// <summary>Normalizes the bound values and checks their ranges; throws <see cref="DetectorConfigurationException"/>
    /// naming the setting.</summary>
    /// <param name="classNamesText">The raw <c>ClassNames</c> value: a comma-separated list is not an array to the binder.</param>
    public DetectorSettings Validate(string? classNamesText = null)
    {
        ModelPath = string.IsNullOrWhiteSpace(ModelPath) ? null : ModelPath.Trim();
        ClassNames = ClassNames.Count == 0 && !string.IsNullOrWhiteSpace(classNamesText)
            ? [.. classNamesText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]
            : ClassNames.Select(n => n.Trim()).ToList();
        TaskModels = ParseModels(Models);
        Check(nameof(KeypointThreshold), KeypointThreshold, 0, 1);
        Check(nameof(PolygonTolerance), PolygonTolerance, 0, 100);
        Check(nameof(ScoreThreshold), ScoreThreshold, 0, 1);
        Check(nameof(IouThreshold), IouThreshold, 0, 1);
        Check(nameof(InputSize), InputSize, 32, 8192);
        Check(nameof(MaxDetections), MaxDetections, 1, 100_000);
        Check(nameof(BatchSize), BatchSize, 1, 256);
        Check(nameof(MaxConcurrency), MaxConcurrency, 1, 256);
        Check(nameof(IntraOpThreads), IntraOpThreads, 0, 256);
        OutputFormat = (string.IsNullOrWhiteSpace(OutputFormat) ? "auto" : OutputFormat.Trim()).ToLowerInvariant() switch
        {
            var f when f is "auto" or "yolov8" or "yolov5" => f,
            var other => throw new DetectorConfigurationException($"Setting 'OutputFormat' is '{other}'; use auto, yolov8 or yolov5."),
        };
        return this;
    }

    /// <summary><c>Models</c>: task name → model file.</summary>
    private static Dictionary<YoloTask, string> ParseModels(Dictionary<string, string> models)
    {
        var byTask = new Dictionary<YoloTask, string>();
        foreach (var (name, path) in models)
        {
            var task = YoloTasks.Parse(name)
                ?? throw new DetectorConfigurationException($"Setting 'Models:{name}' names no task; use detect, obb, segment, pose or classify.");
            if (!string.IsNullOrWhiteSpace(path)) byTask[task] = path.Trim();
        }
        return byTask;
    }

    private static void Check(string key, double value, double min, double max)
    {
        if (value < min || value > max)
            throw new DetectorConfigurationException($"Setting '{key}' is '{value}'; expected a value from {min} to {max}.");
    }
}
