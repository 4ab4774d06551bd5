namespace PluginHost.Sdk.Backends;

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
