using System.Text.Json;
using PluginHost.Configuration;

namespace PluginHost.Isolation;

/// <summary>
/// The configuration a worker runs with: the host's own (every key, flattened — appsettings.json, environment,
/// command line and a test's overrides alike), with the folders resolved to absolute paths and the worker's part on
/// top. Sent as one JSON line on the worker's stdin, so secrets never appear in its arguments or on disk.
/// </summary>
internal static class WorkerConfiguration
{
    public static string Serialize(IConfiguration hostConfiguration, HostPaths paths, string backend, string socketPath)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in hostConfiguration.AsEnumerable())
            if (value is not null) values[key] = value;
        values[$"{HostSettings.Section}:ModelDir"] = paths.ModelDir;
        values[$"{HostSettings.Section}:PluginsDir"] = paths.PluginsDir;
        values[$"{HostSettings.Section}:ScriptsDir"] = paths.ScriptsDir;
        values[$"{HostSettings.Section}:DefaultBackend"] = backend;
        // Auth is decided once, in the host; the socket is reachable by the host's user only.
        values[$"{HostSettings.Section}:BasicAuthUser"] = "";
        values[$"{HostSettings.Section}:BasicAuthPass"] = "";
        values[BackendPlacement.WorkerBackendKey] = backend;
        values[BackendPlacement.WorkerSocketKey] = socketPath;
        return JsonSerializer.Serialize(values, WorkerJsonContext.Default.DictionaryStringString);
    }

    public static Dictionary<string, string?> Deserialize(string line) =>
        JsonSerializer.Deserialize(line, WorkerJsonContext.Default.DictionaryStringString)
        ?? throw new InvalidOperationException("The worker's configuration line is JSON null.");
}
