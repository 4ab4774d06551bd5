using Microsoft.Extensions.Logging;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Backends;

/// <summary>What every call gives a backend: who it is, which project, its label config, settings and state.</summary>
public abstract class BackendCallContext
{
    public required string BackendName { get; init; }

    public required ProjectRef Project { get; init; }

    /// <summary>The parsed label config of the request (null when the request carried none).</summary>
    public LabelConfig? LabelConfig { get; init; }

    /// <summary>The project's <c>extra_params</c> from the last <c>/setup</c> (or this one).</summary>
    public required ExtraParams ExtraParams { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>Small per-project key/value state, persisted under the model directory.</summary>
    public required IProjectState State { get; init; }

    /// <summary>The version this call is answered with: the active model's, or the code's.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>The label config, or a clear error when the request did not carry one.</summary>
    public LabelConfig RequireLabelConfig() =>
        LabelConfig ?? throw new LabelConfigException("The request carries no label_config.");
}

public sealed class PredictContext : BackendCallContext
{
    public required IReadOnlyList<LabelStudioTask> Tasks { get; init; }

    /// <summary>The annotator's prompt (interactive labelling), or null for batch pre-annotation.</summary>
    public InteractiveContext? Interactive { get; init; }

    public PredictParams? Params { get; init; }

    /// <summary>The active trained model for this project, set by the host for <see cref="Training.ITrainableBackend"/>s.</summary>
    public object? Model { get; init; }
}

public sealed class SetupContext : BackendCallContext
{
    /// <summary>Label Studio's own address as it sent it, for fetching task data.</summary>
    public string? Hostname { get; init; }

    public string? AccessToken { get; init; }
}

/// <summary>Per-project state (the Python SDK's <c>get</c>/<c>set</c>/<c>has</c>). Thread-safe.</summary>
public interface IProjectState
{
    string? Get(string key);

    bool Has(string key) => Get(key) is not null;

    ValueTask SetAsync(string key, string value, CancellationToken cancellationToken);
}
