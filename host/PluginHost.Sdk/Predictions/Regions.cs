namespace PluginHost.Sdk.Predictions;

/// <summary>
/// Typed builders for every region type Label Studio accepts (protocol.md §2). Coordinates of image regions are
/// percentages (0–100) of the original image; text spans are character offsets into the task text.
/// </summary>
public static class Regions
{
    /// <summary>A text span of a <c>Labels</c> control (type <c>labels</c>).</summary>
    public static Region Span(string fromName, string toName, int start, int end, string text, IReadOnlyList<string> labels,
        double? score = null, string? id = null, string type = "labels") => new()
    {
        Id = id ?? NewId(),
        FromName = fromName,
        ToName = toName,
        Type = type,
        Score = score,
        Value = new RegionValue { Start = start, End = end, Text = text, LabelsKey = type, Labels = labels },
    };

    /// <summary>A <c>Choices</c> answer for the whole object.</summary>
    public static Region Choices(string fromName, string toName, IReadOnlyList<string> choices, double? score = null, string? id = null) => new()
    {
        Id = id ?? NewId(),
        FromName = fromName,
        ToName = toName,
        Type = "choices",
        Score = score,
        Value = new RegionValue { Choices = choices },
    };

    /// <summary>A short random id, as Label Studio's front end makes them.</summary>
    public static string NewId()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(10, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
        });
    }
}
