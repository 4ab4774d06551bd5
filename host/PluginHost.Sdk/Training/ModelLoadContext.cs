using Microsoft.Extensions.Logging;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Training;

/// <summary>What <c>LoadAsync</c> gets: which project, and the version folder to load (null before the first training).</summary>
public sealed class ModelLoadContext
{
    public required string BackendName { get; init; }

    public required ProjectRef Project { get; init; }

    /// <summary>The version folder to load, or null before the first training.</summary>
    public string? Directory { get; init; }

    /// <summary>The version name (e.g. <c>v3</c>), or null before the first training.</summary>
    public string? VersionName { get; init; }

    public required ILogger Logger { get; init; }
}
