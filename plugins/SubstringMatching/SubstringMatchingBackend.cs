using Microsoft.Extensions.Options;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.SubstringMatching;

/// <summary>
/// Interactive substring matching: the annotator labels one span, the backend returns every occurrence of the same
/// text in the task with the same label, answering as the Python SDK's interactive_substring_matching example does
/// (all occurrences, case-insensitive, the annotator's own span included, its score); see <see cref="SubstringSettings"/>.
/// Without a context there is nothing to match, so the answer is <c>{"results":[]}</c>.
/// </summary>
public sealed class SubstringMatchingBackend(IOptions<SubstringSettings> settings) : ILabelStudioBackend
{
    public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        var prompts = context.Interactive?.Result;
        if (prompts is null || prompts.Count == 0) return ValueTask.FromResult<IReadOnlyList<Prediction>>([]);

        var options = MatchOptions.From(settings.Value, context.ExtraParams);
        var predictions = new Prediction[context.Tasks.Count];
        for (var i = 0; i < predictions.Length; i++)
            predictions[i] = PredictTask(context, context.Tasks[i], prompts, options);
        return ValueTask.FromResult<IReadOnlyList<Prediction>>(predictions);
    }

    private static Prediction PredictTask(PredictContext context, LabelStudioTask task, List<AnnotationRegion> prompts, MatchOptions options)
    {
        var regions = new List<Region>();
        double scoreSum = 0;
        foreach (var prompt in prompts)
        {
            if (prompt.GetSpan() is not { Text: { Length: > 0 } needle } span) continue;
            var text = task.GetData(DataKeyOf(context, prompt));
            if (string.IsNullOrEmpty(text)) continue;
            var labels = prompt.GetLabels();
            if (labels.Count == 0) continue; // nothing to copy onto the occurrences
            var type = string.IsNullOrEmpty(prompt.Type) ? "labels" : prompt.Type;
            foreach (var match in SubstringMatcher.FindAll(text, needle, options))
            {
                if (options.ExcludePromptSpan && match.Start == span.Start && match.End == span.End) continue;
                var matched = text[match.Start..match.End];
                var score = SubstringMatcher.Score(needle, matched);
                regions.Add(Regions.Span(prompt.FromName, prompt.ToName, match.Start, match.End, matched, labels, score, type: type));
                scoreSum += score;
            }
        }
        return new Prediction(regions, regions.Count == 0 ? 0 : scoreSum / regions.Count);
    }

    /// <summary>The task data key of the prompt's object: from the label config, else the object's name.</summary>
    private static string DataKeyOf(PredictContext context, AnnotationRegion prompt) =>
        context.LabelConfig?.GetObject(prompt.ToName)?.ValueKey ?? prompt.ToName;
}
