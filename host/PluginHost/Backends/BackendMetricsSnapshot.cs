namespace PluginHost.Backends;

public sealed record BackendMetricsSnapshot(long PredictCalls, long Tasks, long Errors, long Timeouts,
    double? PredictP50Ms, double? PredictP95Ms, double? PredictP99Ms);
