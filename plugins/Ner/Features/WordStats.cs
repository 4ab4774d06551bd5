namespace PluginHost.Plugins.Ner.Features;

/// <summary>
/// What the training texts say about one lowercase word form: how often it was written in lower case and capitalised
/// where a capital means something (not at a sentence start), and how often it was part of an annotated entity.
/// </summary>
public readonly record struct WordStats(int LowerInside, int CapitalInside, int InEntity, int Total)
{
    /// <summary>Capitalisation away from sentence starts: a sentence-initial "Roberts" never seen in lower case is likely
    /// a name, a sentence-initial "Baldness" seen as "baldness" is not.</summary>
    public string CaseEvidence =>
        LowerInside + CapitalInside == 0 ? "none"
        : CapitalInside == 0 ? "lower" + Magnitude(LowerInside)
        : LowerInside == 0 ? "capital" + Magnitude(CapitalInside)
        : CapitalInside > LowerInside ? "mostly-capital"
        : "mostly-lower";

    /// <summary>How often the word was inside an annotated entity: a gazetteer learned from the annotations.</summary>
    public string EntityEvidence =>
        Total == 0 ? "none"
        : InEntity == 0 ? "never"
        : InEntity == Total ? "always"
        : 2 * InEntity >= Total ? "mostly"
        : "sometimes";

    private static string Magnitude(int count) => count switch { 1 => "1", < 5 => "2-4", _ => "5+" };

    public static WordStats operator +(WordStats a, WordStats b) =>
        new(a.LowerInside + b.LowerInside, a.CapitalInside + b.CapitalInside, a.InEntity + b.InEntity, a.Total + b.Total);

    public static WordStats operator -(WordStats a, WordStats b) =>
        new(a.LowerInside - b.LowerInside, a.CapitalInside - b.CapitalInside, a.InEntity - b.InEntity, a.Total - b.Total);
}
