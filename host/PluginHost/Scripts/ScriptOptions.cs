using System.Reflection;

namespace PluginHost.Scripts;

/// <summary>
/// Settings of the script source, read from the <c>PluginHost</c> section beside <c>ScriptsDir</c>
/// (kept in their own class so the host's settings stay the foundation's).
/// </summary>
public sealed class ScriptOptions
{
    /// <summary>Where <c>#r "mlnet/Microsoft.ML.dll"</c> is found when no such path exists beside the script.
    /// Empty: <c>artifacts/script-libs</c> of the repository (filled by the build), else <c>script-libs</c> beside the host.</summary>
    public string ScriptLibsDir { get; set; } = "";

    /// <summary>Quiet time after the last file event before recompiling (editors write a file in several steps).</summary>
    public int ScriptDebounceMilliseconds { get; set; } = 150;

    /// <summary>Safety net: file watchers miss events (network drives, some editors, files outside the folder), so
    /// every script is re-read this often and recompiled when its sources changed.</summary>
    public double ScriptRescanSeconds { get; set; } = 2;

    /// <summary>A script constructor running longer is reported as a load failure (the last good version keeps serving).</summary>
    public double ScriptActivationTimeoutSeconds { get; set; } = 30;

    private static readonly string? RepoRoot = typeof(ScriptOptions).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "PluginHost.RepoRoot")?.Value;

    /// <summary>The resolved <see cref="ScriptLibsDir"/>.</summary>
    public string ResolveScriptLibsDir()
    {
        if (ScriptLibsDir.Length > 0) return Path.GetFullPath(ScriptLibsDir);
        if (RepoRoot is not null && Directory.Exists(Path.Combine(RepoRoot, "artifacts", "script-libs")))
            return Path.GetFullPath(Path.Combine(RepoRoot, "artifacts", "script-libs"));
        return Path.Combine(AppContext.BaseDirectory, "script-libs");
    }
}
