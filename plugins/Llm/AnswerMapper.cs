using System.Text.Json;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Llm;

/// <summary>
/// Turns the model's JSON answer into Label Studio regions, field by field: choices and labels only among the
/// control's labels (matched as the Python SDK does: <c>predicted_values</c>, exact, case-insensitive), spans located
/// in the text, ratings and numbers within the control's range. Whatever does not fit is left out, never guessed.
/// </summary>
internal static class AnswerMapper
{
    public static List<Region> Map(string answer, AnnotationSchema schema, LabelStudioTask task)
    {
        using var document = Parse(answer);
        var root = document.RootElement;
        var regions = new List<Region>();
        foreach (var field in schema.Fields)
        {
            if (!root.TryGetProperty(field.Name, out var value)) continue;
            switch (field.Kind)
            {
                case OutputKind.Choices:
                    var choices = Strings(value).Select(field.Control.LabelMap.Map).OfType<string>().Distinct().ToList();
                    if (!field.Control.IsMultipleChoice && choices.Count > 1) choices = [choices[0]];
                    if (choices.Count > 0) regions.Add(Regions.Choices(field.Name, field.Object.Name, choices));
                    break;
                case OutputKind.Spans:
                    regions.AddRange(Spans(value, field, task));
                    break;
                case OutputKind.Text:
                    var lines = Strings(value).Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
                    if (lines.Count > 0) regions.Add(Regions.TextArea(field.Name, field.Object.Name, lines));
                    break;
                case OutputKind.Rating:
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var rating)
                        && Math.Round(rating) is var stars && stars >= 1 && stars <= field.MaxRating)
                        regions.Add(Regions.Rating(field.Name, field.Object.Name, (int)stars));
                    break;
                case OutputKind.Number:
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
                        && number >= (field.Min ?? double.MinValue) && number <= (field.Max ?? double.MaxValue))
                        regions.Add(Regions.Number(field.Name, field.Object.Name, number));
                    break;
            }
        }
        return regions;
    }

    private static IEnumerable<Region> Spans(JsonElement value, OutputField field, LabelStudioTask task)
    {
        if (value.ValueKind != JsonValueKind.Array || task.GetData(field.Object.ValueKey) is not { Length: > 0 } text) yield break;
        var locator = new SpanLocator(text);
        var seen = new HashSet<(int, int, string)>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) continue;
            var passage = item.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            var label = item.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? field.Control.LabelMap.Map(l.GetString()!) : null;
            if (label is null || locator.Locate(passage) is not { } span || !seen.Add((span.Start, span.End, label))) continue;
            var (start, end) = span;
            yield return Regions.Span(field.Name, field.Object.Name, start, end, text[start..end], [label]);
        }
    }

    private static IEnumerable<string> Strings(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!),
        _ => [],
    };

    /// <summary>The answer's JSON object; JSON mode answers sometimes come fenced in <c>```json</c> or with prose around them.</summary>
    private static JsonDocument Parse(string answer)
    {
        var start = answer.IndexOf('{');
        var end = answer.LastIndexOf('}');
        if (start < 0 || end < start) throw new AnswerFormatException($"The model answered no JSON object: {Shorten(answer)}");
        try
        {
            var document = JsonDocument.Parse(answer.AsMemory(start, end - start + 1));
            return document;
        }
        catch (JsonException ex)
        {
            throw new AnswerFormatException($"The model's answer is not valid JSON ({ex.Message}): {Shorten(answer)}");
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
