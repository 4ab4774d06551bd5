// Keyword/regex rules that answer a <Choices> question about a text: edit a rule, save, and the next prediction
// uses it (no build, no restart). Served as /keyword_classifier/predict.
//
// Label config it answers, for example:
//   <View>
//     <Text name="text" value="$text"/>
//     <Choices name="sentiment" toName="text">
//       <Choice value="Positive"/><Choice value="Negative"/><Choice value="Neutral"/>
//     </Choices>
//   </View>
// Rule labels are matched to the config's choices through ControlTag.LabelMap: exactly, then ignoring case, or
// through predicted_values (<Choice value="Good" predicted_values="Positive"/>). A rule whose label the config
// lacks is skipped.

public sealed class KeywordClassifier : ILabelStudioBackend
{
    /// <summary>Each rule: the label it votes for, and what counts as a hit (a regex, case-insensitive).</summary>
    private static readonly (string Label, Regex Pattern)[] Rules =
    [
        ("Positive", Words("great", "excellent", "love", "loved", "amazing", "good", "happy", "recommend", "fast", "perfect")),
        ("Negative", Words("bad", "terrible", "awful", "hate", "poor", "broken", "refund", "slow", "worst", "disappointed")),
        ("Negative", new Regex(@"\bnot\s+(good|great|happy|working)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)),
    ];

    /// <summary>The answer when no rule matches (null: no prediction for that task).</summary>
    private const string? Fallback = "Neutral";

    public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        var config = context.RequireLabelConfig();
        var control = config.FindControl("Choices", "Text")
            ?? throw new LabelConfigException("keyword_classifier needs a <Choices> control linked to a <Text> object.");
        var textObject = control.Object!;

        var predictions = new List<Prediction>(context.Tasks.Count);
        foreach (var task in context.Tasks)
        {
            var (label, score) = Classify(task.GetData(textObject.ValueKey) ?? "");
            var choice = label is null ? null : control.LabelMap.Map(label);
            predictions.Add(choice is null
                ? Prediction.Empty()
                : new Prediction([Regions.Choices(control.Name, textObject.Name, [choice], score)], score));
        }
        return ValueTask.FromResult<IReadOnlyList<Prediction>>(predictions);
    }

    /// <summary>The label with the most hits, scored by its share of all hits; the fallback when nothing hits.</summary>
    private static (string? Label, double Score) Classify(string text)
    {
        var votes = Rules
            .GroupBy(rule => rule.Label)
            .Select(group => (Label: group.Key, Hits: group.Sum(rule => rule.Pattern.Count(text))))
            .Where(vote => vote.Hits > 0)
            .OrderByDescending(vote => vote.Hits)
            .ToList();
        if (votes.Count == 0) return (Fallback, 0.5);
        return (votes[0].Label, Math.Round((double)votes[0].Hits / votes.Sum(v => v.Hits), 3));
    }

    private static Regex Words(params string[] words) =>
        new($@"\b({string.Join("|", words.Select(Regex.Escape))})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
