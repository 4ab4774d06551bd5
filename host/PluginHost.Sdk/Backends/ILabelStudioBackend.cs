using PluginHost.Sdk.Predictions;

namespace PluginHost.Sdk.Backends;

/// <summary>
/// The contract every backend implements, whether it comes from a plugin DLL or a <c>.csx</c> script.
/// One instance serves every request of its generation concurrently: keep it thread-safe and load heavy state
/// in the constructor or in <c>ITrainableBackend.LoadModelAsync</c>, never per request.
/// </summary>
public interface ILabelStudioBackend
{
    /// <summary>
    /// The version reported to Label Studio while no trained model is active. Null lets the host derive one
    /// from the plugin's assembly version or the script's content, so new code means a new version.
    /// </summary>
    string? Version => null;

    /// <summary><c>POST /setup</c>: Label Studio connected or opened its settings. Must be fast and idempotent.</summary>
    ValueTask SetupAsync(SetupContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// <c>POST /predict</c>: one prediction per task of <see cref="PredictContext.Tasks"/>, in order. Return an empty
    /// list to answer <c>{"results":[]}</c> (e.g. an interactive backend called without a context).
    /// </summary>
    ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Optional: lets a plugin register its own services and typed options. The host calls it on a service
/// collection private to the plugin, with the backend's settings section from configuration.
/// </summary>
public interface IPluginStartup
{
    void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services,
        Microsoft.Extensions.Configuration.IConfiguration settings);
}

/// <summary>Who a backend instance is: registered by the host in every backend's service provider.</summary>
public sealed class BackendEnvironment
{
    public required string Name { get; init; }

    /// <summary>The backend's <c>Settings</c> section from configuration (empty when none).</summary>
    public required Microsoft.Extensions.Configuration.IConfiguration Settings { get; init; }

    /// <summary>The root model directory (<c>MODEL_DIR</c>); relative model paths in settings resolve against it.</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>The folder the plugin or script was loaded from.</summary>
    public required string SourceDirectory { get; init; }

    /// <summary>Resolves a path from settings: absolute as is, else under <see cref="ModelDirectory"/>,
    /// else under <see cref="SourceDirectory"/>.</summary>
    public string ResolvePath(string path)
    {
        if (Path.IsPathRooted(path)) return path;
        var underModels = Path.Combine(ModelDirectory, path);
        return File.Exists(underModels) || Directory.Exists(underModels) ? underModels : Path.Combine(SourceDirectory, path);
    }
}
