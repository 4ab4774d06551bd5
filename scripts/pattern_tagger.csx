// Tags emails, URLs, dates and money amounts in a text as <Labels> spans with exact character offsets.
// Served as /pattern_tagger/predict. Edit a pattern, save, and the next prediction uses it.
//
// Label config it answers, for example:
//   <View>
//     <Labels name="label" toName="text">
//       <Label value="Email"/><Label value="URL"/><Label value="Date"/><Label value="Money"/>
//     </Labels>
//     <Text name="text" value="$text"/>
//   </View>
// Kinds map to the config's labels through ControlTag.LabelMap (exact, case-insensitive, or predicted_values:
// <Label value="Amount" predicted_values="Money"/>); a kind the config lacks is not tagged.
// Offsets are UTF-16 code-unit indexes into the task text, as Label Studio's editor counts them.

public sealed class PatternTagger : ILabelStudioBackend
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
    private const string Months = "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?";

    /// <summary>Kind → pattern. On overlaps the earlier match wins, then the longer one (a URL holding a date stays a URL).</summary>
    private static readonly (string Kind, Regex Pattern)[] Patterns =
    [
        ("Email", new Regex(@"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b", Options)),
        ("URL", new Regex(@"\b(?:https?://|www\.)[^\s<>""']+[^\s<>""'.,;:!?)\]]", Options)),
        ("Date", new Regex($@"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|(?:{Months})\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{1,2}} (?:{Months}) \d{{4}})\b", Options)),
        ("Money", new Regex(@"(?:[$€£]\s?\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?|\b\d+(?:[.,]\d{1,2})?\s?(?:USD|EUR|GBP|dollars|euros)\b)", Options)),
    ];

    public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        var config = context.RequireLabelConfig();
        var control = config.FindControl("Labels", "Text")
            ?? throw new LabelConfigException("pattern_tagger needs a <Labels> control linked to a <Text> object.");
        var textObject = control.Object!;

        var predictions = new List<Prediction>(context.Tasks.Count);
        foreach (var task in context.Tasks)
        {
            var text = task.GetData(textObject.ValueKey) ?? "";
            var regions = Find(text)
                .Select(match => (match, label: control.LabelMap.Map(match.Kind)))
                .Where(x => x.label is not null)
                .Select(x => Regions.Span(control.Name, textObject.Name, x.match.Start, x.match.End,
                    text[x.match.Start..x.match.End], [x.label!], score: 1.0))
                .ToList();
            predictions.Add(new Prediction(regions, regions.Count > 0 ? 1.0 : 0.0));
        }
        return ValueTask.FromResult<IReadOnlyList<Prediction>>(predictions);
    }

    /// <summary>Every match of every pattern, without overlaps, in text order.</summary>
    private static List<(string Kind, int Start, int End)> Find(string text)
    {
        var candidates = Patterns
            .SelectMany(p => p.Pattern.Matches(text).Select(m => (p.Kind, Start: m.Index, End: m.Index + m.Length)))
            .OrderBy(c => c.Start)
            .ThenByDescending(c => c.End - c.Start);
        var kept = new List<(string Kind, int Start, int End)>();
        foreach (var candidate in candidates)
            if (kept.Count == 0 || candidate.Start >= kept[^1].End) kept.Add(candidate);
        return kept;
    }
}
