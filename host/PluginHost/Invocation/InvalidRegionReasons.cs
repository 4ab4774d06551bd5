namespace PluginHost.Invocation;

/// <summary>
/// A few stable words for why a region was invalid (the metric's <c>reason</c> tag and the once-per-reason log), read
/// from <see cref="Sdk.Predictions.PredictionValidator"/>'s messages, whose wording names the rule that failed.
/// </summary>
public static class InvalidRegionReasons
{
    private static readonly (string Phrase, string Reason)[] Rules =
    [
        // Most specific first: several messages quote a field name.
        ("missing required field", "missing_field"),
        ("is not linked to control", "not_linked"),
        ("does not match the control", "type_mismatch"),
        ("'from_name'", "unknown_control"),
        ("'to_name'", "unknown_object"),
        ("is not a label", "unknown_label"),
        ("are not labels", "unknown_label"),
        ("not found among the taxonomy", "unknown_label"),
        ("score must", "score"),
        ("out of bounds", "out_of_range"),
        ("is outside", "out_of_range"),
        ("must not be negative", "out_of_range"),
        ("non-negative", "out_of_range"),
        ("has no", "missing_field"),
        ("Relation", "relation"),
    ];

    public static string Of(string error)
    {
        foreach (var (phrase, reason) in Rules)
            if (error.Contains(phrase, StringComparison.Ordinal)) return reason;
        return "malformed";
    }
}
