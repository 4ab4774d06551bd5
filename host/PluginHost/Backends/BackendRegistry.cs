using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PluginHost.Configuration;

namespace PluginHost.Backends;

/// <summary>
/// Every backend the host serves, by route name (case-insensitive). Sources (plugin folders, scripts) publish new
/// generations here; requests look slots up here. Lock-free on the read path.
/// </summary>
public sealed class BackendRegistry(IOptions<HostSettings> settings, ILogger<BackendRegistry> logger)
{
    private readonly ConcurrentDictionary<string, BackendSlot> _slots = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<BackendSlot> Slots => _slots.Values.OrderBy(s => s.Name, StringComparer.Ordinal);

    public bool TryGet(string name, out BackendSlot slot) => _slots.TryGetValue(name, out slot!);

    /// <summary>The slot the bare routes serve: the configured default, else the only backend.</summary>
    public BackendSlot? Default
    {
        get
        {
            var configured = settings.Value.DefaultBackend;
            if (configured.Length > 0) return _slots.GetValueOrDefault(configured);
            return _slots.Count == 1 ? _slots.Values.First() : null;
        }
    }

    /// <summary>Registers a name before its first version loads, so /health shows it as loading.</summary>
    public BackendSlot Declare(string name) => _slots.GetOrAdd(name, n => new BackendSlot(n));

    public void Publish(BackendGeneration generation)
    {
        var slot = Declare(generation.Name);
        slot.Publish(generation);
        logger.LogInformation("Backend {Backend} now serves {Version} from {Origin}", generation.Name, generation.CodeVersion, generation.Origin);
    }

    /// <summary>Records a failed load; the last good generation (if any) keeps serving.</summary>
    public void ReportFailure(string name, string error, IReadOnlyList<string>? details = null)
    {
        var slot = Declare(name);
        slot.ReportFailure(error, details ?? []);
        logger.LogError("Backend {Backend} failed to load: {Error} {Details}", name, error, string.Join(Environment.NewLine, details ?? []));
    }

    public void Remove(string name)
    {
        if (!_slots.TryRemove(name, out var slot)) return;
        slot.Clear();
        logger.LogInformation("Backend {Backend} removed", name);
    }
}
