namespace PluginHost.CodeSources;

/// <summary>How a <see cref="CodeChangeLoop"/> turns file events into scans.</summary>
/// <param name="Rescan">Scan at least this often even without events (file watchers miss some); zero or less: never.</param>
/// <param name="Debounce">Scan once no event arrived for this long (a build or an editor writes in bursts)…</param>
/// <param name="MaxDelay">…but no later than this after the first event of a burst.</param>
public sealed record CodeChangeTiming(TimeSpan Rescan, TimeSpan Debounce, TimeSpan MaxDelay);
