using PluginHost.Sdk.Predictions;

namespace PluginHost.Jobs.LabelStudio;

/// <summary>One item of <c>POST /api/projects/&lt;id&gt;/import/predictions</c>.</summary>
public sealed record ImportedPrediction(long Task, IReadOnlyList<Region> Result, double? Score, string ModelVersion);
