using System.Diagnostics;
using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Invocation;

/// <summary>
/// The one way the host calls a backend's <c>PredictAsync</c> (<c>/predict</c>, the warm-up of a new version,
/// prediction jobs): leases the project's model, builds the context, runs the registered <see cref="IPredictStep"/>s,
/// then the call itself on the thread pool within what is left of <c>PredictTimeoutSeconds</c>, checks the answer, maps failures to
/// domain exceptions (<see cref="BackendTimeoutException"/>, <see cref="BackendCallException"/>,
/// <see cref="BackendContractException"/>, <see cref="ClientRequestException"/>) and records the metrics.
/// </summary>
public sealed class PredictInvoker
{
    private readonly BackendContextFactory _contexts;
    private readonly BackendRegistry _registry;
    private readonly TimeSpan _timeout;
    private readonly PredictStepDelegate _pipeline;

    public PredictInvoker(IEnumerable<IPredictStep> steps, BackendContextFactory contexts, BackendRegistry registry, IOptions<HostSettings> options)
    {
        _contexts = contexts;
        _registry = registry;
        _timeout = TimeSpan.FromSeconds(options.Value.PredictTimeoutSeconds);
        PredictStepDelegate pipeline = CallBackendAsync;
        // Built once: the first registered step is the outermost.
        foreach (var step in steps.Reverse())
        {
            var next = pipeline;
            pipeline = (call, cancellationToken) => step.InvokeAsync(call, next, cancellationToken);
        }
        _pipeline = pipeline;
    }

    public TimeSpan Timeout => _timeout;

    /// <summary>Predicts <paramref name="input"/> with <paramref name="generation"/> (which the caller holds a lease on),
    /// using the project's active model unless the input names one.</summary>
    public async ValueTask<PredictOutcome> PredictAsync(BackendGeneration generation, PredictInput input, PredictPurpose purpose,
        CancellationToken cancellationToken)
    {
        ModelLease? lease = input.Model is null && generation.Models is { } models
            ? await models.AcquireAsync(input.Project, cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var model = input.Model ?? lease?.Generation;
            var context = await _contexts.CreatePredictContextAsync(generation.Name, input, model, generation.CodeVersion, cancellationToken).ConfigureAwait(false);
            // A backend loaded without its model is our fault, not the request's: 503 with the reason /health gives —
            // after the request's own checks (the context parses its label config), so a malformed request is a 400 everywhere.
            if (generation.Backend.HealthError is { } unusable)
                throw new BackendCallException(generation.Name, new BackendException(503, $"Backend '{generation.Name}' is not usable: {unusable}"));
            var call = new PredictCall(generation, context, purpose, _timeout);
            var predictions = await InvokeAsync(call, cancellationToken).ConfigureAwait(false);
            return new PredictOutcome(predictions, call.Warnings);
        }
        finally
        {
            lease?.Dispose();
        }
    }

    /// <summary>Runs the pipeline for a ready context; the metrics of every call are recorded here.</summary>
    public async ValueTask<IReadOnlyList<Prediction>> InvokeAsync(PredictCall call, CancellationToken cancellationToken)
    {
        var metrics = call.Purpose == PredictPurpose.WarmUp ? null : MetricsOf(call.Backend);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var predictions = await _pipeline(call, cancellationToken).ConfigureAwait(false);
            metrics?.RecordPredict(call.Context.Tasks.Count, Stopwatch.GetElapsedTime(started));
            return predictions;
        }
        catch (BackendTimeoutException)
        {
            metrics?.RecordTimeout();
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not BackendBusyException)
        {
            metrics?.RecordError();
            throw;
        }
    }

    private BackendMetrics? MetricsOf(string backend) => _registry.TryGet(backend, out var slot) ? slot.Metrics : null;

    /// <summary>The innermost step: the backend's own code.</summary>
    private async ValueTask<IReadOnlyList<Prediction>> CallBackendAsync(PredictCall call, CancellationToken cancellationToken)
    {
        var backend = call.Generation.Backend;
        var context = call.Context;
        IReadOnlyList<Prediction> predictions;
        // What the steps before (a bulkhead's queue) left of the call's timeout.
        var remaining = call.Remaining;
        if (remaining <= TimeSpan.Zero) throw new BackendTimeoutException(call.Backend, _timeout);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(remaining);
            try
            {
                // On the thread pool, so that even a backend blocking its thread before returning (a script's runaway
                // loop) cannot hold the caller; one that ignores its token is left behind at the deadline, and
                // call.Running tells the steps when it really ends.
                var pending = Task.Run(() => backend.PredictAsync(context, timeout.Token).AsTask(), CancellationToken.None);
                call.Running = pending;
                predictions = await pending.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
            {
                throw new BackendTimeoutException(call.Backend, _timeout);
            }
            catch (LabelConfigException ex)
            {
                throw new ClientRequestException(call.Backend, $"Label config: {ex.Message}", ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not ClientRequestException)
            {
                throw new BackendCallException(call.Backend, ex);
            }
        }
        // One prediction per task, in order, or none at all (docs/protocol.md §1.3, §6.1).
        var tasks = context.Tasks.Count;
        if (predictions.Count != 0 && predictions.Count != tasks)
            throw new BackendContractException(call.Backend,
                $"Backend '{call.Backend}' returned {predictions.Count} predictions for {tasks} tasks; Label Studio needs one per task, in order.");
        foreach (var prediction in predictions) prediction.ModelVersion ??= context.ModelVersion;
        return predictions;
    }
}
