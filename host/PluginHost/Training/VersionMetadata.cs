namespace PluginHost.Training;

/// <summary>What a version folder's <c>version.json</c> records about how it was made and how well it did.</summary>
/// <param name="Examples">Every annotation the job used: trained on plus held out.</param>
/// <param name="ValidationExamples">Of those, the held-out ones the trainer never saw (null or 0: none).</param>
/// <param name="Metrics">What the trainer measured on the held-out examples (e.g. accuracy, macro_f1, entity_f1).</param>
/// <param name="Curves">Training curves the trainer reported (e.g. loss per iteration).</param>
public sealed record VersionMetadata(
    string Backend,
    string Project,
    string? Job,
    string Trigger,
    int Examples,
    DateTimeOffset CreatedAt,
    double TrainingSeconds,
    string CodeVersion,
    string? LabelsSignature,
    int? ValidationExamples = null,
    IReadOnlyDictionary<string, double>? Metrics = null,
    IReadOnlyDictionary<string, IReadOnlyList<CurvePoint>>? Curves = null);
