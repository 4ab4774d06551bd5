using PluginHost.Sdk.Predictions;

namespace PluginHost.Invocation;

/// <summary>What a <see cref="PredictInvoker"/> call answered: one prediction per task, and what the host changed on the
/// way (<c>warnings</c> of the answer; null when nothing).</summary>
public sealed record PredictOutcome(IReadOnlyList<Prediction> Predictions, IReadOnlyList<string>? Warnings);
