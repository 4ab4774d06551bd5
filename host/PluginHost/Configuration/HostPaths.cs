using System.Reflection;
using Microsoft.Extensions.Options;

namespace PluginHost.Configuration;

/// <summary>The host's folders, resolved once: configured values, else the repository's defaults.</summary>
public sealed class HostPaths(IOptions<HostSettings> options)
{
    /// <summary>The repository the host was built from (baked in at build time), for the default folders.</summary>
    private static readonly string? RepoRoot = typeof(HostPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "PluginHost.RepoRoot")?.Value;

    public string ModelDir { get; } = Path.GetFullPath(options.Value.ModelDir);

    public string PluginsDir { get; } = Resolve(options.Value.PluginsDir, "artifacts/plugins", "plugins");

    public string ScriptsDir { get; } = Resolve(options.Value.ScriptsDir, "scripts", "scripts");

    private static string Resolve(string configured, string underRepo, string besideHost)
    {
        if (configured.Length > 0) return Path.GetFullPath(configured);
        if (RepoRoot is not null && Directory.Exists(Path.Combine(RepoRoot, underRepo))) return Path.GetFullPath(Path.Combine(RepoRoot, underRepo));
        return Path.Combine(AppContext.BaseDirectory, besideHost);
    }
}
