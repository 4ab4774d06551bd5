using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;

namespace PluginHost.Plugins.TextClassifier;

/// <summary>
/// Classifies texts into the <c>Choices</c> of the label config (single or <c>choice="multiple"</c>), learning from
/// annotations with ML.NET: the C# counterpart of the Python SDK's scikit-learn text classifier example. Scores are
/// the model's probabilities. Before its first training it guesses from the label names and never errors.
/// </summary>
public sealed class TextClassifierBackend(IOptions<TextClassifierSettings> settings) : TrainableBackend<TextClassifierModel>
{
    private readonly TextClassifierSettings _settings = settings.Value;

    public override Task TrainAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        var target = ChoicesTarget.Require(context.LabelConfig);
        var examples = new List<TextExample>(context.Examples.Count);
        foreach (var example in context.Examples)
        {
            var text = target.TextOf(example.Task);
            var labels = target.ChoicesOf(example.Annotation);
            // An annotation without a choice for this control (or a task without text) teaches nothing.
            if (!string.IsNullOrWhiteSpace(text) && labels.Count > 0) examples.Add(new TextExample(text, labels));
        }
        if (examples.Count == 0)
            throw new InvalidOperationException($"None of the {context.Examples.Count} annotations chose a label of '{target.ControlName}' "
                + $"for a task with text in '${target.DataKey}'.");
        context.Logger.LogInformation("Training the text classifier on {Examples} of {Annotations} annotations ({Labels}, {Mode} choice)",
            examples.Count, context.Examples.Count, string.Join(", ", target.Labels), target.Multiple ? "multiple" : "single");

        // CPU-bound and synchronous on purpose: it stays on the host's low-priority training thread.
        var trained = TextClassifierTrainer.Train(examples, target, ClassifierOptions.From(_settings), context.Progress, cancellationToken);
        trained.Save(context.OutputDirectory);
        return Task.CompletedTask;
    }

    public override ValueTask<TextClassifierModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.Directory is null ? null : TextClassifierModel.Load(context.Directory));

    public override ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, TextClassifierModel? model, CancellationToken cancellationToken)
    {
        var config = context.LabelConfig;
        var target = config is not null ? ChoicesTarget.Find(config) : null;
        if (model is null)
            return ValueTask.FromResult(target is null ? Empty(context) : ColdStart(context, target));
        return ValueTask.FromResult(Classify(context, model, target));
    }

    private IReadOnlyList<Prediction> Classify(PredictContext context, TextClassifierModel model, ChoicesTarget? target)
    {
        var meta = model.Metadata;
        var dataKey = target?.DataKey ?? context.LabelConfig?.GetObject(meta.ObjectName)?.ValueKey ?? meta.ObjectName;
        var texts = context.Tasks.Select(t => t.GetData(dataKey) ?? "").ToList();
        var scores = _settings.PredictMode == PredictMode.Batch ? model.ScoreBatch(texts) : model.ScorePooled(texts);
        // Labels the request's config no longer has are never proposed (Label Studio would reject the prediction).
        var allowed = target?.Labels is { } labels ? new HashSet<string>(labels, StringComparer.Ordinal) : null;
        var controlName = target?.ControlName ?? meta.ControlName;
        var objectName = target?.ObjectName ?? meta.ObjectName;
        var threshold = target?.Threshold ?? _settings.Threshold;

        var predictions = new Prediction[texts.Count];
        for (var i = 0; i < predictions.Length; i++)
        {
            if (texts[i].Length == 0)
            {
                predictions[i] = Prediction.Empty();
                continue;
            }
            predictions[i] = meta.Multiple
                ? MultipleChoice(meta, scores[i], allowed, threshold, controlName, objectName)
                : SingleChoice(meta, scores[i], allowed, controlName, objectName);
        }
        return predictions;
    }

    private static Prediction SingleChoice(ClassifierMetadata meta, float[] probabilities, HashSet<string>? allowed, string controlName, string objectName)
    {
        var best = -1;
        for (var k = 0; k < probabilities.Length && k < meta.ModelLabels.Count; k++)
            if ((allowed is null || allowed.Contains(meta.ModelLabels[k])) && (best < 0 || probabilities[k] > probabilities[best])) best = k;
        if (best < 0) return Prediction.Empty();
        var score = Math.Round(probabilities[best], 6);
        return new Prediction([Regions.Choices(controlName, objectName, [meta.ModelLabels[best]], score)], score);
    }

    private static Prediction MultipleChoice(ClassifierMetadata meta, float[] probabilities, HashSet<string>? allowed, double threshold,
        string controlName, string objectName)
    {
        var chosen = new List<(string Label, double P)>();
        for (var k = 0; k < probabilities.Length && k < meta.ModelLabels.Count; k++)
            if (probabilities[k] >= threshold) chosen.Add((meta.ModelLabels[k], probabilities[k]));
        foreach (var (label, p) in meta.ConstantLabels)
            if (p >= threshold) chosen.Add((label, p));
        chosen.RemoveAll(c => allowed is not null && !allowed.Contains(c.Label));
        if (chosen.Count == 0) return Prediction.Empty();
        var score = Math.Round(chosen.Average(c => c.P), 6);
        return new Prediction([Regions.Choices(controlName, objectName, chosen.Select(c => c.Label).ToList(), score)], score);
    }

    private static IReadOnlyList<Prediction> ColdStart(PredictContext context, ChoicesTarget target)
    {
        var predictions = new Prediction[context.Tasks.Count];
        for (var i = 0; i < predictions.Length; i++)
        {
            var guess = LabelNameGuesser.Guess(target.TextOf(context.Tasks[i]) ?? "", target.Labels, target.Multiple);
            predictions[i] = guess.Count == 0
                ? Prediction.Empty()
                : new Prediction([Regions.Choices(target.ControlName, target.ObjectName, guess, LabelNameGuesser.Score)], LabelNameGuesser.Score);
        }
        return predictions;
    }

    /// <summary>No model and no usable config (e.g. a config without Choices on Text): empty predictions, one per task.</summary>
    private static IReadOnlyList<Prediction> Empty(PredictContext context) => context.Tasks.Select(_ => Prediction.Empty()).ToList();
}
