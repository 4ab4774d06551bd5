using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Invocation;

/// <summary>
/// A bulkhead per backend: at most <c>MaxConcurrentPredicts</c> of its calls run at once and <c>MaxQueuedPredicts</c>
/// wait; a <c>/predict</c> past them is refused at once (<see cref="BackendBusyException"/>: 503, <c>Retry-After</c>).
/// A waiting call waits only for what is left of its timeout, so it answers 504 by the deadline. A slot is given back
/// when the backend's own work ends, not when the caller stops waiting: a backend that blocks its threads and ignores
/// its token holds at most its slots' worth of threads, never more, however many calls time out.
/// </summary>
public sealed class BulkheadStep : IPredictStep, IDisposable
{
    private readonly ConcurrentDictionary<string, BackendBulkhead> _bulkheads = new(StringComparer.OrdinalIgnoreCase);
    private readonly BackendPredictOptions _options;
    private readonly int _retryAfterSeconds;
    private readonly System.Diagnostics.Metrics.Meter _meter;

    public BulkheadStep(BackendPredictOptions options, IOptions<HostSettings> settings)
    {
        _options = options;
        _retryAfterSeconds = Math.Max(1, settings.Value.BusyRetryAfterSeconds);
        _meter = PredictInstruments.ObserveBulkheads(() => _bulkheads);
    }

    public void Dispose() => _meter.Dispose();

    /// <summary>The backend's bulkhead: one per backend name, kept across code reloads, so a new version of a backend
    /// inherits the slots its predecessor's runaway calls still hold.</summary>
    public BackendBulkhead For(string backend) => _bulkheads.GetOrAdd(backend, static (name, options) =>
    {
        var settings = options.For(name);
        return new BackendBulkhead(settings.MaxConcurrentPredicts, settings.MaxQueuedPredicts);
    }, _options);

    public async ValueTask<IReadOnlyList<Prediction>> InvokeAsync(PredictCall call, PredictStepDelegate next, CancellationToken cancellationToken)
    {
        var bulkhead = For(call.Backend);
        if (!bulkhead.TryAdmit(bounded: call.Purpose == PredictPurpose.Request))
        {
            PredictInstruments.Rejected(call.Backend);
            throw new BackendBusyException(call.Backend, bulkhead.Running, bulkhead.QueueLimit, _retryAfterSeconds);
        }
        if (!await bulkhead.EnterAsync(call.Remaining, cancellationToken).ConfigureAwait(false))
            throw new BackendTimeoutException(call.Backend, call.Timeout);
        try
        {
            return await next(call, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (call.Running is { IsCompleted: false } running)
                _ = running.ContinueWith(static (ended, state) =>
                    {
                        _ = ended.Exception; // observed: nobody else waits for a call that timed out
                        ((BackendBulkhead)state!).Exit();
                    }, bulkhead,
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            else
                bulkhead.Exit();
        }
    }
}
