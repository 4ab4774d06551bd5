using PluginHost.Sdk.Backends;

namespace MyBackend;

/// <summary>
/// Settings of one backend instance. The host binds them from configuration, so two instances of this plugin can
/// run side by side with different values:
/// <code>
/// "Backends": {
///   "mybackend": { "Settings": { "MinimumScore": 0.3 } },
///   "strict":    { "Plugin": "mybackend", "Settings": { "MinimumScore": 0.8 } }
/// }
/// </code>
/// Take <c>IOptions&lt;MyBackendSettings&gt;</c> in the constructor to read them.
/// </summary>
[BackendSettings]
public sealed class MyBackendSettings
{
    /// <summary>Predictions scoring lower are not sent (Label Studio shows nothing rather than a guess).</summary>
    public double MinimumScore { get; set; } = 0.2;
}
