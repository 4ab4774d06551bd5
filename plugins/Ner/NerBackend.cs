using Microsoft.Extensions.Logging;
using PluginHost.Plugins.Ner.Model;
using PluginHost.Plugins.Ner.Tagging;
using PluginHost.Plugins.Ner.Text;
using PluginHost.Plugins.Ner.Training;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;

namespace PluginHost.Plugins.Ner;

/// <summary>
/// Named-entity recognition for a <c>&lt;Labels&gt;</c> control on a <c>&lt;Text&gt;</c> object, trained from the
/// project's annotations (served at <c>/ner/</c>). See docs/ner.md.
/// <list type="bullet">
/// <item>Batch prediction: one ML.NET pass over every token of every task, then Viterbi decoding per task.</item>
/// <item>Interactive: the annotator's span is also found elsewhere in the task (normalised, whole words).</item>
/// <item>Label config changes: only labels the current config maps (directly or through <c>predicted_values</c>)
/// are emitted; new labels need a retrain.</item>
/// </list>
/// Extra params (Label Studio's ML settings): <c>ner_classifier</c> = <c>lbfgs</c> | <c>sdca</c>,
/// <c>ner_scheme</c> = <c>bilou</c> | <c>bio</c> (defaults first).
/// </summary>
public sealed class NerBackend : TrainableBackend<NerModel>
{
    /// <summary>
    /// Trains synchronously on the calling thread: the host runs this on its low-priority training thread, and a
    /// <c>Task.Run</c> here would move the CPU work to the thread pool at the request threads' priority. Cancellation is
    /// checked between stages and stops ML.NET's <c>Fit</c> itself.
    /// </summary>
    public override Task TrainAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var target = NerTarget.From(context.LabelConfig);
        var labels = target.Control.LabelValues.Distinct(StringComparer.Ordinal).ToList();
        if (labels.Count == 0)
            throw new LabelConfigException($"The <{target.Control.Tag} name=\"{target.Control.Name}\"> control has no <Label> children to learn.");
        var examples = new List<AnnotatedText>(context.Examples.Count);
        var withoutText = 0;
        foreach (var example in context.Examples)
        {
            var text = example.Task.GetData(target.Object.ValueKey);
            if (text is null)
            {
                withoutText++;
                continue;
            }
            examples.Add(new AnnotatedText(text, SpansOf(example.Annotation, target)));
        }
        if (withoutText > 0)
            context.Logger.LogWarning("NER training skipped {Count} tasks without a '{Key}' text field", withoutText, target.Object.ValueKey);
        var options = OptionsFrom(context.ExtraParams);
        var (model, schema) = NerTrainer.Train(examples, labels, options, context.Progress, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        model.Save(context.OutputDirectory, schema);
        ReportHeldOutScores(context, target, model, cancellationToken);
        var stats = model.Metadata.Stats!;
        context.Logger.LogInformation(
            "NER trained on {Texts} texts ({Tokens} tokens, {Spans} entities, {Empty} without entities) in {Seconds:F2}s with {Trainer}/{Scheme}; " +
            "snapped {Snapped} spans to tokens, dropped {Overlapping} overlapping, ignored {Unknown} with unknown labels and {Invalid} invalid",
            stats.Texts, stats.Tokens, stats.Spans, stats.TextsWithoutSpans, model.Metadata.TrainingSeconds, model.Metadata.Trainer, model.Metadata.Scheme,
            stats.SnappedSpans, stats.OverlappingSpansDropped, stats.UnknownLabelSpansIgnored, stats.InvalidSpansIgnored);
        return Task.CompletedTask;
    }

    /// <summary>Entity precision, recall and F1 (exact offsets and label) on the host's held-out examples.</summary>
    private static void ReportHeldOutScores(TrainingContext context, NerTarget target, NerModel model, CancellationToken cancellationToken)
    {
        var heldOut = context.ValidationExamples.Select(e => (Text: e.Task.GetData(target.Object.ValueKey), e.Annotation)).Where(e => e.Text is not null).ToList();
        if (heldOut.Count == 0) return;
        var predicted = model.Predict(heldOut.Select(e => e.Text!).ToList(), cancellationToken: cancellationToken);
        var scores = Evaluation.EntityScores.Score(heldOut.Select(e => (IReadOnlyList<CharSpan>)SpansOf(e.Annotation, target)).ToList(),
            predicted.Select(p => (IReadOnlyList<CharSpan>)p.Select(s => new CharSpan(s.Start, s.End, s.Label)).ToList()).ToList());
        context.ReportMetric("entity_f1", Math.Round(scores.F1, 4));
        context.ReportMetric("entity_precision", Math.Round(scores.Precision, 4));
        context.ReportMetric("entity_recall", Math.Round(scores.Recall, 4));
    }

    /// <summary>Loads on the calling thread too: after a training job that is the host's low-priority thread.</summary>
    public override ValueTask<NerModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        if (context.Directory is null) return ValueTask.FromResult<NerModel?>(null);
        cancellationToken.ThrowIfCancellationRequested();
        var model = NerModel.Load(context.Directory);
        // Warm-up: the first Transform JIT-compiles the pipeline; pay for it here rather than on a request.
        model.Predict(["Warm up the model."], cancellationToken: cancellationToken);
        context.Logger.LogInformation("NER model {Version} loaded: labels [{Labels}], trained {TrainedAt:u}",
            context.VersionName, string.Join(", ", model.Labels), model.Metadata.TrainedAt);
        return ValueTask.FromResult<NerModel?>(model);
    }

    public override ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, NerModel? model, CancellationToken cancellationToken)
    {
        var prompts = context.Interactive?.Result?.Where(r => r.GetSpan() is not null).ToList() ?? [];
        if (model is null && prompts.Count == 0)
            return ValueTask.FromResult<IReadOnlyList<Prediction>>(context.Tasks.Select(_ => Prediction.Empty()).ToList());

        var target = NerTarget.From(context.RequireLabelConfig());
        var texts = context.Tasks.Select(t => t.GetData(target.Object.ValueKey) ?? "").ToList();
        var entities = model is null ? null : model.Predict(texts, MappableLabels(model, target.Control), cancellationToken: cancellationToken);
        var threshold = target.Control.NumberAttribute("model_score_threshold") ?? 0;
        var predictions = new List<Prediction>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var regions = new List<Region>();
            var occupied = new List<(int Start, int End)>();
            foreach (var prompt in prompts) AddOccurrences(texts[i], prompt, target, regions, occupied);
            if (entities is not null)
                foreach (var entity in entities[i])
                {
                    if (entity.Score < threshold || occupied.Any(o => o.Start < entity.End && entity.Start < o.End)) continue;
                    var label = target.Control.LabelMap.Map(entity.Label);
                    if (label is null) continue;
                    regions.Add(Regions.Span(target.Control.Name, target.Object.Name, entity.Start, entity.End, entity.Text, [label], entity.Score));
                }
            var score = regions.Count == 0 ? 0 : Math.Round(regions.Average(r => r.Score ?? 0), 4);
            predictions.Add(new Prediction(regions, score));
        }
        return ValueTask.FromResult<IReadOnlyList<Prediction>>(predictions);
    }

    /// <summary>The model labels the current config can show (directly or through <c>predicted_values</c>).</summary>
    internal static IReadOnlySet<string> MappableLabels(NerModel model, ControlTag control) =>
        model.Labels.Where(l => control.LabelMap.Map(l) is not null).ToHashSet(StringComparer.Ordinal);

    /// <summary>The other places the annotator's span occurs in <paramref name="text"/>, with the same labels.</summary>
    private static void AddOccurrences(string text, AnnotationRegion prompt, NerTarget target, List<Region> regions, List<(int Start, int End)> occupied)
    {
        var (start, end, promptText) = prompt.GetSpan()!.Value;
        var phrase = start >= 0 && end <= text.Length && end > start ? text[start..end] : promptText;
        occupied.Add((start, end));
        if (string.IsNullOrWhiteSpace(phrase)) return;
        var labels = prompt.GetLabels();
        if (labels.Count == 0) return;
        var fromName = string.IsNullOrEmpty(prompt.FromName) ? target.Control.Name : prompt.FromName;
        var toName = string.IsNullOrEmpty(prompt.ToName) ? target.Object.Name : prompt.ToName;
        foreach (var (s, e) in OccurrenceFinder.Find(text, phrase))
        {
            if (occupied.Any(o => o.Start < e && s < o.End)) continue;
            occupied.Add((s, e));
            regions.Add(Regions.Span(fromName, toName, s, e, text[s..e], labels, score: 1.0));
        }
    }

    private static List<CharSpan> SpansOf(Annotation annotation, NerTarget target)
    {
        var spans = new List<CharSpan>();
        foreach (var region in annotation.Result)
        {
            if (region.FromName != target.Control.Name || region.GetSpan() is not { } span) continue;
            var labels = region.GetLabels();
            // A span with several labels is learned under its first: one tag per token.
            if (labels.Count > 0) spans.Add(new CharSpan(span.Start, span.End, labels[0]));
        }
        return spans;
    }

    internal static NerTrainerOptions OptionsFrom(ExtraParams extra)
    {
        var classifier = extra.GetString("ner_classifier")?.Trim().ToLowerInvariant() switch
        {
            null or "" or "lbfgs" => NerClassifier.LbfgsMaximumEntropy,
            "sdca" => NerClassifier.SdcaMaximumEntropy,
            var other => throw new ArgumentException($"extra_params.ner_classifier '{other}' is not one of: lbfgs, sdca."),
        };
        var scheme = extra.GetString("ner_scheme")?.Trim().ToLowerInvariant() switch
        {
            null or "" or "bilou" => TagScheme.Bilou,
            "bio" => TagScheme.Bio,
            var other => throw new ArgumentException($"extra_params.ner_scheme '{other}' is not one of: bio, bilou."),
        };
        return new NerTrainerOptions { Classifier = classifier, Scheme = scheme };
    }
}

/// <summary>The control and object the backend works on: the first <c>Labels</c> linked to a <c>Text</c>.</summary>
internal sealed record NerTarget(ControlTag Control, ObjectTag Object)
{
    public static NerTarget From(LabelConfig config)
    {
        var control = config.FindControl("Labels", "Text")
            ?? throw new LabelConfigException("The NER backend needs a <Labels> control linked (toName) to a <Text> object; the label config has none.");
        var obj = control.Objects.First(o => o.Type == "text");
        return new NerTarget(control, obj);
    }
}
