using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.SubstringMatching;

/// <summary>
/// Defaults from configuration (<c>Backends:substring:Settings</c>); a project's extra_params override them. The
/// defaults answer as the Python SDK's interactive_substring_matching example does: every occurrence, ignoring case,
/// the annotator's own span included.
/// </summary>
[BackendSettings]
public sealed class SubstringSettings
{
    /// <summary>Match "apple" for "Apple" (extra param <c>case_insensitive</c>). On by default, as the Python example.</summary>
    public bool CaseInsensitive { get; set; } = true;

    /// <summary>Only match whole words, so "Apple" does not match inside "Pineapple" (extra param <c>whole_word</c>).</summary>
    public bool WholeWord { get; set; }

    /// <summary>Leave out the annotator's own span, which Label Studio already has (extra param <c>exclude_prompt_span</c>).
    /// Off by default: the Python example returns it too.</summary>
    public bool ExcludePromptSpan { get; set; }

    /// <summary>Spans shorter than this (characters) find nothing: a one-letter span would match most of a long text.</summary>
    public int MinSpanLength { get; set; } = 1;

    /// <summary>At most this many occurrences per labelled span and task; the search stops there (extra param <c>max_matches</c>).
    /// Bounds the answer: without it a one-letter span on a 1 MB text returned a ~150 MB answer.</summary>
    public int MaxMatches { get; set; } = 1000;
}
