using PluginHost.Plugins.Text;
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
/// annotations (hashed word n-grams and logistic regression): the C# counterpart of the Python SDK's scikit-learn text classifier example. Scores are
/// the model's probabilities. Before its first training it guesses from the label names and never errors.
/// </summary>
public sealed class TextClassifierBackend(IOptions<TextClassifierSettings> settings) : TrainableBackend<TextClassifierModel>
{
    private readonly TextClassifierSettings _settings = settings.Value;

    public override Task TrainAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        var target = ChoicesTarget.Require(context.LabelConfig);
        var examples = target.LabelledTexts(context.Examples).Select(e => new TextExample(e.Text, e.Labels)).ToList();
        context.Logger.LogInformation("Training the text classifier on {Examples} of {Annotations} annotations ({Labels}, {Mode} choice)",
            examples.Count, context.Examples.Count, string.Join(", ", target.Labels), target.Multiple ? "multiple" : "single");

        // CPU-bound and synchronous on purpose: it stays on the host's low-priority training thread.
        var trained = TextClassifierTrainer.Train(examples, target, ClassifierOptions.From(_settings), context.Progress, cancellationToken,
            (iteration, loss) => context.ReportCurvePoint("loss", iteration, loss));
        trained.Save(context.OutputDirectory);
        // Scored as /predict would answer: the same decision rule (threshold, allowed labels) on the held-out texts.
        var heldOut = ChoiceEvaluation.HeldOut(context, target);
        ChoiceEvaluation.Report(context, heldOut.Select(e => e.Labels).ToList(), Classify(heldOut.Select(e => e.Text).ToList(), trained.ToModel(), target));
        return Task.CompletedTask;
    }

    public override ValueTask<TextClassifierModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.Directory is null ? null : TextClassifierModel.Load(context.Directory));

    public override ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, TextClassifierModel? model, CancellationToken cancellationToken)
    {
        var config = context.LabelConfig;
        var target = config is not null ? ChoicesTarget.Find(config) : null;
        if (model is null)
            return ValueTask.FromResult(target is null ? Empty(context) : ChoicePredictions.FromLabelNames(context.Tasks, target));
        return ValueTask.FromResult(Classify(context, model, target));
    }

    private IReadOnlyList<Prediction> Classify(PredictContext context, TextClassifierModel model, ChoicesTarget? target)
    {
        var meta = model.Metadata;
        var dataKey = target?.DataKey ?? context.LabelConfig?.GetObject(meta.ObjectName)?.ValueKey ?? meta.ObjectName;
        return Classify(context.Tasks.Select(t => t.GetData(dataKey) ?? "").ToList(), model, target);
    }

    private IReadOnlyList<Prediction> Classify(IReadOnlyList<string> texts, TextClassifierModel model, ChoicesTarget? target)
    {
        var meta = model.Metadata;
        var scores = model.Score(texts);
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
            predictions[i] = ChoicePredictions.For(meta.Multiple, meta.ModelLabels, meta.ConstantLabels, scores[i], allowed, threshold, controlName, objectName);
        }
        return predictions;
    }

    /// <summary>No model and no usable config (e.g. a config without Choices on Text): empty predictions, one per task.</summary>
    private static IReadOnlyList<Prediction> Empty(PredictContext context) => context.Tasks.Select(_ => Prediction.Empty()).ToList();
}
