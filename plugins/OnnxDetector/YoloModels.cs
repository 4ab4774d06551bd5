using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>
/// The backend's models, each loaded once by its resolved path and kept: the configured ones at start, a control's
/// <c>model_path</c> on the first request that names it (a load failure is kept too, so a bad path is not retried on
/// every request; fix it and the settings reload makes a new backend).
/// </summary>
internal sealed class YoloModels(DetectorSettings settings, BackendEnvironment environment, ILogger logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<YoloModel>> _byPath = new(StringComparer.Ordinal);

    /// <summary>The model a control of <paramref name="task"/> uses: its own <paramref name="controlPath"/>, else the
    /// task's <c>Models</c> entry, else <c>ModelPath</c>.</summary>
    public YoloModel For(string? controlPath, YoloTask task)
    {
        if (!string.IsNullOrWhiteSpace(controlPath))
        {
            if (!settings.AllowCustomModelPath)
                throw new DetectorConfigurationException(
                    $"The label config names model_path=\"{controlPath}\" but AllowCustomModelPath is false: remove the attribute or allow it in the backend's settings.");
            return Get(controlPath.Trim());
        }
        var configured = settings.TaskModels.GetValueOrDefault(task) ?? settings.ModelPath
            ?? throw new DetectorConfigurationException(
                $"No model for {task.Name()}: set model_path on the control, or the backend's Settings:Models:{task.Name()} (or ModelPath) " +
                $"to {task.ExpectedLayout()} (.onnx, absolute or relative to MODEL_DIR '{environment.ModelDirectory}').");
        return Get(configured);
    }

    /// <summary>Loads (once) the model at <paramref name="path"/>, absolute or relative to MODEL_DIR.</summary>
    public YoloModel Get(string path)
    {
        var resolved = Path.GetFullPath(environment.ResolvePath(path));
        return _byPath.GetOrAdd(resolved, p => new Lazy<YoloModel>(() =>
        {
            var model = YoloModel.Load(p, settings);
            logger.LogInformation("Loaded YOLO {Task} model {Path} ({Width}x{Height}, {Classes} class names, dynamic batch {Dynamic}, version {Version})",
                model.Task.Name(), p, model.InputWidth, model.InputHeight, model.ClassNames.Count, model.DynamicBatch, model.Version);
            return model;
        })).Value;
    }

    /// <summary>The loaded models' versions, for the backend's model version.</summary>
    public IEnumerable<YoloModel> Loaded => _byPath.Values.Where(l => l.IsValueCreated).Select(l => l.Value);

    public void Dispose()
    {
        foreach (var lazy in _byPath.Values)
            if (lazy.IsValueCreated) lazy.Value.Dispose();
    }
}
