using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Plugins.EmbeddingClassifier.MiniLm;
using PluginHost.Plugins.Text;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Training;

namespace PluginHost.Plugins.EmbeddingClassifier;

/// <summary>
/// Classifies texts into the <c>Choices</c> of the label config (single or <c>choice="multiple"</c>) with a pretrained
/// sentence encoder (all-MiniLM-L6-v2 in ONNX Runtime) and a logistic-regression head learnt from the annotations:
/// the C# counterpart of the Python SDK's <c>bert_classifier</c> example, with the encoder frozen so a few dozen labels
/// train in well under a second. Before the first training it guesses from the label names. The encoder loads once, in
/// the constructor; a missing or invalid model leaves the backend loaded but unhealthy (503 with the reason).
/// </summary>
public sealed class EmbeddingClassifierBackend : TrainableBackend<EmbeddingHead>
{
    private readonly EmbeddingClassifierSettings _settings;
    private readonly ILogger<EmbeddingClassifierBackend> _logger;
    private readonly TextEmbedder? _embedder;

    public EmbeddingClassifierBackend(IOptions<EmbeddingClassifierSettings> settings, BackendEnvironment environment, ILogger<EmbeddingClassifierBackend> logger)
    {
        _settings = settings.Value;
        _logger = logger;
        try
        {
            var source = Source(_settings, environment);
            var encoder = SentenceEncoder.Load(source, new EncoderOptions(_settings.MaxSequenceLength, _settings.MaxChunks, _settings.BatchSize,
                _settings.IntraOpThreads, _settings.MaxConcurrentRuns));
            _embedder = new TextEmbedder(encoder, new EmbeddingCache(_settings.CacheEntries));
            _logger.LogInformation("Loaded the sentence encoder {Encoder} ({Dimensions} dimensions) from {Path}", encoder.Identity, encoder.Dimensions, source.Path);
        }
        catch (EncoderUnavailableException ex)
        {
            HealthError = ex.Message;
            _logger.LogError("The {Backend} backend is unhealthy: {Error}", environment.Name, ex.Message);
        }
    }

    /// <summary>Null when the encoder is loaded; otherwise why not (shown on /health, answered by predict and train).</summary>
    public override string? HealthError { get; }

    internal TextEmbedder? Embedder => _embedder;

    public override async Task TrainAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        var embedder = RequireEmbedder();
        var target = ChoicesTarget.Require(context.LabelConfig);
        var examples = target.LabelledTexts(context.Examples);
        context.Logger.LogInformation("Training the embedding classifier on {Examples} of {Annotations} annotations ({Labels}, {Mode} choice)",
            examples.Count, context.Examples.Count, string.Join(", ", target.Labels), target.Multiple ? "multiple" : "single");
        var embeddings = new List<float[]>(examples.Count);
        // In slices, so progress moves and a cancellation is seen between them; cached texts cost nothing.
        foreach (var slice in examples.Chunk(256))
        {
            embeddings.AddRange(await embedder.EmbedAsync(slice.Select(e => e.Text).ToList(), cancellationToken).ConfigureAwait(false));
            context.Progress.Report(0.9 * embeddings.Count / examples.Count);
        }
        var head = HeadTrainer.Train(embeddings, examples.Select(e => e.Labels).ToList(), target, embedder.Identity, _settings.InverseRegularization,
            cancellationToken);
        head.Save(context.OutputDirectory);
        context.Progress.Report(1);
    }

    public override ValueTask<EmbeddingHead?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        if (context.Directory is null) return ValueTask.FromResult<EmbeddingHead?>(null);
        var head = EmbeddingHead.Load(context.Directory);
        if (_embedder is not null && head.Metadata.Encoder != _embedder.Identity)
        {
            // Vectors of another encoder mean nothing to this head: guess from label names until the next training.
            context.Logger.LogWarning("Version {Version} was trained on encoder {Trained}, not on {Current}; retrain to use it",
                context.VersionName, head.Metadata.Encoder, _embedder.Identity);
            return ValueTask.FromResult<EmbeddingHead?>(null);
        }
        return ValueTask.FromResult<EmbeddingHead?>(head);
    }

    public override async ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, EmbeddingHead? model, CancellationToken cancellationToken)
    {
        var embedder = RequireEmbedder();
        var target = context.LabelConfig is { } config ? ChoicesTarget.Find(config) : null;
        if (model is null)
            return target is null ? context.Tasks.Select(_ => Prediction.Empty()).ToList() : ChoicePredictions.FromLabelNames(context.Tasks, target);

        var meta = model.Metadata;
        var dataKey = target?.DataKey ?? context.LabelConfig?.GetObject(meta.ObjectName)?.ValueKey ?? meta.ObjectName;
        var texts = context.Tasks.Select(t => t.GetData(dataKey) ?? "").ToList();
        var present = Enumerable.Range(0, texts.Count).Where(i => texts[i].Length > 0).ToList();
        var vectors = await embedder.EmbedAsync(present.Select(i => texts[i]).ToList(), cancellationToken).ConfigureAwait(false);
        var allowed = target?.Labels is { } labels ? new HashSet<string>(labels, StringComparer.Ordinal) : null;
        var controlName = target?.ControlName ?? meta.ControlName;
        var objectName = target?.ObjectName ?? meta.ObjectName;
        var threshold = target?.Threshold ?? _settings.Threshold;

        var predictions = new Prediction[texts.Count];
        for (var p = 0; p < present.Count; p++)
        {
            predictions[present[p]] = ChoicePredictions.For(meta.Multiple, meta.ModelLabels, meta.ConstantLabels, model.Score(vectors[p]), allowed, threshold,
                controlName, objectName);
        }
        for (var i = 0; i < predictions.Length; i++) predictions[i] ??= Prediction.Empty();
        return predictions;
    }

    private TextEmbedder RequireEmbedder() => _embedder ?? throw new EncoderUnavailableException(HealthError ?? "The sentence encoder is not loaded.");

    private static ModelSource Source(EmbeddingClassifierSettings settings, BackendEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(settings.ModelPath))
            return new ModelSource(Path.Combine(environment.SourceDirectory, ModelSource.BundledFile), null);
        var model = environment.ResolvePath(settings.ModelPath.Trim());
        var vocabulary = string.IsNullOrWhiteSpace(settings.VocabularyPath) ? null : environment.ResolvePath(settings.VocabularyPath.Trim());
        return new ModelSource(model, vocabulary);
    }
}
