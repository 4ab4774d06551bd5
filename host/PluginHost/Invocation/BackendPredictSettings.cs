namespace PluginHost.Invocation;

/// <summary>How the host guards one backend's predict calls (host-wide defaults, overridable under <c>Backends:&lt;name&gt;</c>).</summary>
/// <param name="StrictPredictions">An invalid region is a 500 naming it, instead of being dropped.</param>
/// <param name="MaxConcurrentPredicts">Calls running at once.</param>
/// <param name="MaxQueuedPredicts">Calls waiting for a slot; past them a 503.</param>
public sealed record BackendPredictSettings(bool StrictPredictions, int MaxConcurrentPredicts, int MaxQueuedPredicts);
