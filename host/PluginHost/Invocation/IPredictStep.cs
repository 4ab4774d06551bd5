using PluginHost.Sdk.Predictions;

namespace PluginHost.Invocation;

/// <summary>
/// An extension point of the <see cref="PredictInvoker"/>: a step wraps the rest of the pipeline, like ASP.NET
/// middleware. Register steps as singletons (<c>services.AddSingleton&lt;IPredictStep, MyStep&gt;()</c>); they run in
/// registration order, outside the timeout and thread-pool isolation, inside the metrics. A bulkhead waits (or
/// rejects) before calling <c>next</c>; a prediction validator inspects what <c>next</c> returned.
/// </summary>
public interface IPredictStep
{
    ValueTask<IReadOnlyList<Prediction>> InvokeAsync(PredictCall call, PredictStepDelegate next, CancellationToken cancellationToken);
}
