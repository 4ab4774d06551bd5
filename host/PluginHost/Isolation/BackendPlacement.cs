namespace PluginHost.Isolation;

/// <summary>
/// Which backends this process loads itself. The main host loads every backend except those configured with
/// <c>Backends:&lt;route&gt;:Isolation = process</c> (it forwards their routes to their worker); a worker
/// (<c>PluginHost --worker &lt;route&gt;</c>) loads exactly its one backend. Decided once at start: changing a
/// backend's <c>Isolation</c> takes a restart of the host.
/// </summary>
public sealed class BackendPlacement
{
    /// <summary>The value of <c>Backends:&lt;route&gt;:Isolation</c> that runs a backend in its own process.</summary>
    public const string ProcessIsolation = "process";

    /// <summary>The default of <c>Isolation</c>: the backend runs inside the host.</summary>
    public const string EmbeddedIsolation = "embedded";

    /// <summary>Set in a worker's configuration: the one backend it serves.</summary>
    public const string WorkerBackendKey = "PluginHost:Worker:Backend";

    /// <summary>Set in a worker's configuration: the Unix domain socket its Kestrel listens on.</summary>
    public const string WorkerSocketKey = "PluginHost:Worker:Socket";

    private readonly HashSet<string> _isolated;

    public BackendPlacement(IConfiguration configuration)
    {
        WorkerBackend = NullIfEmpty(configuration[WorkerBackendKey])?.ToLowerInvariant();
        WorkerSocket = NullIfEmpty(configuration[WorkerSocketKey]);
        _isolated = WorkerBackend is null ? ReadIsolated(configuration) : new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The backend this worker serves; null in the main host.</summary>
    public string? WorkerBackend { get; }

    /// <summary>The socket this worker listens on; null in the main host.</summary>
    public string? WorkerSocket { get; }

    /// <summary>Routes the main host forwards to a worker process (empty in a worker).</summary>
    public IReadOnlyCollection<string> IsolatedBackends => _isolated;

    /// <summary>Whether this process loads the backend (plugin folder or script) itself.</summary>
    public bool RunsHere(string backend) =>
        WorkerBackend is null ? !_isolated.Contains(backend) : WorkerBackend.Equals(backend, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the main host forwards this route to a worker.</summary>
    public bool IsIsolated(string backend) => _isolated.Contains(backend);

    private static HashSet<string> ReadIsolated(IConfiguration configuration)
    {
        var isolated = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in configuration.GetSection(Plugins.BackendInstanceConfig.Section).GetChildren())
        {
            if (bool.TryParse(entry["Enabled"], out var enabled) && !enabled) continue;
            var value = NullIfEmpty(entry["Isolation"]) ?? EmbeddedIsolation;
            if (value.Equals(ProcessIsolation, StringComparison.OrdinalIgnoreCase)) isolated.Add(entry.Key.ToLowerInvariant());
            else if (!value.Equals(EmbeddedIsolation, StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"Backends:{entry.Key}:Isolation must be '{EmbeddedIsolation}' or '{ProcessIsolation}', not '{value}'.");
        }
        return isolated;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
