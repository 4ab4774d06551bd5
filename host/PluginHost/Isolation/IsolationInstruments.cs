using System.Diagnostics.Metrics;

namespace PluginHost.Isolation;

/// <summary>Meter <c>PluginHost.Isolation</c>: worker exits and the requests answered 503 while a worker was down.</summary>
internal static class IsolationInstruments
{
    public const string MeterName = "PluginHost.Isolation";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Exits = Meter.CreateCounter<long>("pluginhost.isolation.worker_exits", "{exit}",
        "Worker processes of isolated backends that ended, by backend and signal (none: a plain exit).");

    private static readonly Counter<long> Unavailable = Meter.CreateCounter<long>("pluginhost.isolation.unavailable", "{request}",
        "Requests to an isolated backend answered 503 because its worker was down or died while answering.");

    public static void RecordExit(string backend, string? signal) =>
        Exits.Add(1, new KeyValuePair<string, object?>("backend", backend), new KeyValuePair<string, object?>("signal", signal ?? "none"));

    public static void RecordUnavailable(string backend) =>
        Unavailable.Add(1, new KeyValuePair<string, object?>("backend", backend));
}
