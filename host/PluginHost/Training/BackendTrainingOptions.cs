using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace PluginHost.Training;

/// <summary>
/// Each backend's <see cref="BackendTrainingSettings"/> as named options (name = route), re-read after appsettings.json
/// changes: the options monitor caches per name, and a configuration reload clears that cache.
/// </summary>
public sealed class BackendTrainingOptions : IDisposable
{
    private readonly IOptionsMonitor<BackendTrainingSettings> _monitor;
    private readonly IDisposable _reloadSubscription;

    public BackendTrainingOptions(IOptionsMonitor<BackendTrainingSettings> monitor, IOptionsMonitorCache<BackendTrainingSettings> cache, IConfiguration configuration)
    {
        _monitor = monitor;
        _reloadSubscription = ChangeToken.OnChange(configuration.GetReloadToken, cache.Clear);
    }

    public BackendTrainingSettings For(string backend) => _monitor.Get(backend.ToLowerInvariant());

    public void Dispose() => _reloadSubscription.Dispose();
}
