namespace PluginHost.Plugins.EmbeddingClassifier;

/// <summary>What <c>head.json</c> says about the head besides its weights.</summary>
public sealed record HeadMetadata(
    string ControlName,
    string ObjectName,
    bool Multiple,
    IReadOnlyList<string> ModelLabels,
    IReadOnlyDictionary<string, double> ConstantLabels,
    string Encoder,
    int Examples,
    double InverseRegularization,
    double TrainingSeconds);
