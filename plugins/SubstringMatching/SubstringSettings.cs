using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.SubstringMatching;

/// <summary>Defaults from configuration (<c>Backends:substring:Settings</c>); a project's extra_params override them.</summary>
[BackendSettings]
public sealed class SubstringSettings
{
    /// <summary>Match "apple" for "Apple" (extra param <c>case_insensitive</c>).</summary>
    public bool CaseInsensitive { get; set; }

    /// <summary>Only match whole words, so "Apple" does not match inside "Pineapple" (extra param <c>whole_word</c>).</summary>
    public bool WholeWord { get; set; }

    /// <summary>Score of an occurrence that differs from the annotator's span only in case.</summary>
    public double CaseVariantScore { get; set; } = 0.8;
}
