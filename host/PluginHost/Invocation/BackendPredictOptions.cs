using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PluginHost.Configuration;

namespace PluginHost.Invocation;

/// <summary>
/// Reads each backend's <see cref="BackendPredictSettings"/> once: <c>Backends:&lt;name&gt;:StrictPredictions</c>,
/// <c>:MaxConcurrentPredicts</c> and <c>:MaxQueuedPredicts</c>, else the host-wide <c>PluginHost:</c> values, else
/// defaults from the core count: four calls per core run (a CPU-bound backend gains nothing past the cores, an I/O-bound
/// one — an LLM call — needs a few per core), twice that many wait.
/// </summary>
public sealed class BackendPredictOptions(IConfiguration configuration, IOptions<HostSettings> options)
{
    private readonly ConcurrentDictionary<string, BackendPredictSettings> _byBackend = new(StringComparer.OrdinalIgnoreCase);

    public BackendPredictSettings For(string backend) => _byBackend.GetOrAdd(backend, Read);

    private BackendPredictSettings Read(string backend)
    {
        var host = options.Value;
        var section = configuration.GetSection($"Backends:{backend}");
        var strict = section.GetValue<bool?>(nameof(HostSettings.StrictPredictions)) ?? host.StrictPredictions;
        var concurrent = section.GetValue<int?>(nameof(HostSettings.MaxConcurrentPredicts)) ?? host.MaxConcurrentPredicts ?? 4 * Environment.ProcessorCount;
        concurrent = Math.Max(1, concurrent);
        var queued = section.GetValue<int?>(nameof(HostSettings.MaxQueuedPredicts)) ?? host.MaxQueuedPredicts ?? 2 * concurrent;
        return new BackendPredictSettings(strict, concurrent, Math.Max(0, queued));
    }
}
