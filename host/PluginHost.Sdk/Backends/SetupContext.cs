using Microsoft.Extensions.Logging;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Backends;

/// <summary>What <c>SetupAsync</c> gets when Label Studio connects a project or opens its settings (<c>POST /setup</c>).</summary>
public sealed class SetupContext
{
    public required string BackendName { get; init; }

    public required ProjectRef Project { get; init; }

    /// <summary>The project's label config (null when Label Studio sent none and none is stored).</summary>
    public LabelConfig? LabelConfig { get; init; }

    /// <summary>The project's <c>extra_params</c>.</summary>
    public required ExtraParams ExtraParams { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>Small per-project key/value state, persisted by the host.</summary>
    public required IProjectState State { get; init; }

    /// <summary>The version <c>/setup</c> answers with: the active model's, or the code's.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>Label Studio's own address as it sent it, for fetching task data.</summary>
    public string? Hostname { get; init; }

    public string? AccessToken { get; init; }
}
