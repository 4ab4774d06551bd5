namespace PluginHost.Jobs;

/// <summary><c>GET /&lt;backend&gt;/jobs</c>: the backend's prediction jobs, newest first.</summary>
public sealed record JobList(IReadOnlyList<PredictionJobInfo> Jobs);
