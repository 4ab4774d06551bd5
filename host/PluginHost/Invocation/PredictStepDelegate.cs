using PluginHost.Sdk.Predictions;

namespace PluginHost.Invocation;

/// <summary>The rest of the predict pipeline, as seen by an <see cref="IPredictStep"/>.</summary>
public delegate ValueTask<IReadOnlyList<Prediction>> PredictStepDelegate(PredictCall call, CancellationToken cancellationToken);
