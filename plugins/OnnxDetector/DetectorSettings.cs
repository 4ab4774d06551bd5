using System.Globalization;
using Microsoft.Extensions.Configuration;
using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>The detector's settings (the backend's <c>Settings</c> configuration section).</summary>
internal sealed record DetectorSettings
{
    /// <summary>The .onnx file: absolute, or relative to MODEL_DIR (then to the plugin folder).</summary>
    public string? ModelPath { get; init; }

    /// <summary>Models per task (<c>detect</c>, <c>obb</c>, <c>segment</c>, <c>pose</c>, <c>classify</c>), used by controls of
    /// that task without a <c>model_path</c> attribute; <see cref="ModelPath"/> serves the tasks not listed.</summary>
    public IReadOnlyDictionary<YoloTask, string> Models { get; init; } = new Dictionary<YoloTask, string>();

    /// <summary>Whether a control's <c>model_path</c> attribute may pick the model (the Python example's
    /// <c>ALLOW_CUSTOM_MODEL_PATH</c>); relative paths resolve against MODEL_DIR.</summary>
    public bool AllowCustomModelPath { get; init; } = true;

    /// <summary>Pose: keypoints whose visibility is below this are left out; a control's <c>model_point_threshold</c> overrides it.</summary>
    public double KeypointThreshold { get; init; } = 0.5;

    /// <summary>Segmentation → polygons: Douglas–Peucker tolerance in model-input pixels (0 keeps every corner).</summary>
    public double PolygonTolerance { get; init; } = 1.0;

    /// <summary>Minimum confidence; a control's <c>model_score_threshold</c> attribute overrides it.</summary>
    public double ScoreThreshold { get; init; } = 0.25;

    /// <summary>Boxes of the same class overlapping more than this (IoU) are suppressed.</summary>
    public double IouThreshold { get; init; } = 0.45;

    /// <summary>Class names by class index; when empty the model's <c>names</c> metadata is used.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>The square input size used when the model's input has dynamic height/width.</summary>
    public int InputSize { get; init; } = 640;

    /// <summary>At most this many boxes per image and control.</summary>
    public int MaxDetections { get; init; } = 300;

    /// <summary>Images run together in one inference call when the model's batch dimension is dynamic.</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Tasks of one request processed at once (fetch, decode and inference overlap).</summary>
    public int MaxConcurrency { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>ONNX Runtime threads per inference call; 0 lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary><c>auto</c> (from the output shape), <c>yolov8</c> (<c>[1, 4+C, N]</c>) or <c>yolov5</c> (<c>[1, N, 5+C]</c>).</summary>
    public string OutputFormat { get; init; } = "auto";

    public static DetectorSettings From(IConfiguration settings)
    {
        var defaults = new DetectorSettings();
        return new DetectorSettings
        {
            ModelPath = Blank(settings["ModelPath"]),
            Models = ReadModels(settings),
            AllowCustomModelPath = Bool(settings, "AllowCustomModelPath", defaults.AllowCustomModelPath),
            KeypointThreshold = Double(settings, "KeypointThreshold", defaults.KeypointThreshold, 0, 1),
            PolygonTolerance = Double(settings, "PolygonTolerance", defaults.PolygonTolerance, 0, 100),
            ScoreThreshold = Double(settings, "ScoreThreshold", defaults.ScoreThreshold, 0, 1),
            IouThreshold = Double(settings, "IouThreshold", defaults.IouThreshold, 0, 1),
            ClassNames = ReadClassNames(settings),
            InputSize = Int(settings, "InputSize", defaults.InputSize, 32, 8192),
            MaxDetections = Int(settings, "MaxDetections", defaults.MaxDetections, 1, 100_000),
            BatchSize = Int(settings, "BatchSize", defaults.BatchSize, 1, 256),
            MaxConcurrency = Int(settings, "MaxConcurrency", defaults.MaxConcurrency, 1, 256),
            IntraOpThreads = Int(settings, "IntraOpThreads", defaults.IntraOpThreads, 0, 256),
            OutputFormat = (Blank(settings["OutputFormat"]) ?? defaults.OutputFormat).ToLowerInvariant() switch
            {
                var f when f is "auto" or "yolov8" or "yolov5" => f,
                var other => throw new DetectorConfigurationException($"Setting 'OutputFormat' is '{other}'; use auto, yolov8 or yolov5."),
            },
        };
    }

    /// <summary><c>Models</c>: task name → model file.</summary>
    private static Dictionary<YoloTask, string> ReadModels(IConfiguration settings)
    {
        var models = new Dictionary<YoloTask, string>();
        foreach (var child in settings.GetSection("Models").GetChildren())
        {
            var task = YoloTasks.Parse(child.Key)
                ?? throw new DetectorConfigurationException($"Setting 'Models:{child.Key}' names no task; use detect, obb, segment, pose or classify.");
            if (Blank(child.Value) is { } path) models[task] = path;
        }
        return models;
    }

    private static bool Bool(IConfiguration settings, string key, bool fallback)
    {
        if (Blank(settings[key]) is not { } text) return fallback;
        return bool.TryParse(text, out var value) ? value
            : throw new DetectorConfigurationException($"Setting '{key}' is '{text}'; expected true or false.");
    }

    /// <summary>An array section (<c>["car","bus"]</c>) or one comma-separated string.</summary>
    private static IReadOnlyList<string> ReadClassNames(IConfiguration settings)
    {
        var section = settings.GetSection("ClassNames");
        var children = section.GetChildren().ToList();
        if (children.Count > 0)
            return children.OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue).Select(c => c.Value?.Trim() ?? "").ToList();
        return section.Value is { } csv ? csv.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static double Double(IConfiguration settings, string key, double fallback, double min, double max)
    {
        if (Blank(settings[key]) is not { } text) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new DetectorConfigurationException($"Setting '{key}' is '{text}'; expected a number from {min} to {max}.");
        return value;
    }

    private static int Int(IConfiguration settings, string key, int fallback, int min, int max)
    {
        if (Blank(settings[key]) is not { } text) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new DetectorConfigurationException($"Setting '{key}' is '{text}'; expected an integer from {min} to {max}.");
        return value;
    }
}

/// <summary>The detector's settings or model are unusable; the message says which and why (the host answers 503).</summary>
public sealed class DetectorConfigurationException(string message, Exception? inner = null) : BackendUnavailableException(message, inner);
