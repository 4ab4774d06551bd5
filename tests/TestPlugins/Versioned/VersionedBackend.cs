using Microsoft.Extensions.Options;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Predictions;

namespace PluginHost.TestPlugins.Versioned;

/// <summary>Settings per backend instance (<c>Backends:&lt;name&gt;:Settings</c>).</summary>
[BackendSettings]
public sealed class VersionedSettings
{
    /// <summary>Echoed in every prediction, so tests can tell instances apart.</summary>
    public string Label { get; set; } = "plain";

    /// <summary>Throw from the constructor: a plugin that fails on start.</summary>
    public bool FailOnStart { get; set; }
}

/// <summary>
/// Answers every task with two choices: which build of the plugin is running (<c>A</c> or <c>B</c>) and the
/// configured label. Task data <c>delay_ms</c> keeps a request in flight (for swap-under-load tests).
/// </summary>
public sealed class VersionedBackend : ILabelStudioBackend
{
#if BUILD_A
    public const string Build = "A";
#else
    public const string Build = "B";
#endif

    private readonly VersionedSettings _settings;

    public VersionedBackend(IOptions<VersionedSettings> options, BackendEnvironment environment)
    {
        _settings = options.Value;
        if (_settings.FailOnStart)
            throw new InvalidOperationException($"Backend '{environment.Name}' refuses to start (FailOnStart is set).");
    }

    public async ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        var delay = context.Tasks.Count > 0 && int.TryParse(context.Tasks[0].GetData("delay_ms"), out var ms) ? ms : 0;
        if (delay > 0) await Task.Delay(delay, cancellationToken);
        return context.Tasks
            .Select(_ => new Prediction([Regions.Choices("build", "text", [Build]), Regions.Choices("label", "text", [_settings.Label])], 1.0))
            .ToList();
    }
}
