using System.Text.Json.Serialization;

namespace PluginHost.Training;

/// <summary>The reply to a training event: <c>{"status":…,"job":…,"detail":…}</c>, and what happened.</summary>
public sealed record TrainingAnswer([property: JsonIgnore] TrainingOutcome Outcome, string Status, string? Job = null, string? Detail = null);
