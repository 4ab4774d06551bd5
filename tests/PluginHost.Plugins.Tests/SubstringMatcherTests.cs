using PluginHost.Plugins.SubstringMatching;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Tests;

public sealed class SubstringMatcherTests
{
    private static List<(int, int)> Find(string text, string needle, bool caseInsensitive = false, bool wholeWord = false, int minSpanLength = 1, int maxMatches = 1000) =>
        SubstringMatcher.FindAll(text, needle, new MatchOptions(caseInsensitive, wholeWord, ExcludePromptSpan: false, minSpanLength, maxMatches)).ToList();

    [Fact]
    public void Finds_non_overlapping_occurrences_with_offsets() =>
        Assert.Equal([(0, 2), (2, 4)], Find("aaaa", "aa"));

    [Fact]
    public void Case_insensitive_and_whole_word_options()
    {
        const string text = "Apple pineapple APPLE apple_pie";
        Assert.Equal([(0, 5)], Find(text, "Apple"));
        Assert.Equal([(0, 5), (10, 15), (16, 21), (22, 27)], Find(text, "apple", caseInsensitive: true));
        Assert.Equal([(0, 5), (16, 21)], Find(text, "apple", caseInsensitive: true, wholeWord: true));
    }

    [Fact]
    public void Unicode_text_offsets_are_utf16_character_offsets_as_in_label_studio()
    {
        const string text = "Zoë met Zoë in Zürich";
        Assert.Equal([(0, 3), (8, 11)], Find(text, "Zoë"));
    }

    [Fact]
    public void Extra_params_override_configured_defaults()
    {
        var options = MatchOptions.From(new SubstringSettings { CaseInsensitive = true }, ExtraParams.Parse("""{"case_insensitive":"false","whole_word":1,"exclude_prompt_span":true,"max_matches":5}"""));
        Assert.False(options.CaseInsensitive);
        Assert.True(options.WholeWord);
        Assert.True(options.ExcludePromptSpan);
        Assert.Equal(5, options.MaxMatches);
    }

    [Fact]
    public void Defaults_are_the_python_examples_and_extra_params_cannot_lift_the_match_cap()
    {
        var defaults = MatchOptions.From(new SubstringSettings(), ExtraParams.Parse("{}"));
        Assert.True(defaults.CaseInsensitive);
        Assert.False(defaults.ExcludePromptSpan);
        Assert.Equal(1000, MatchOptions.From(new SubstringSettings(), ExtraParams.Parse("""{"max_matches":1000000}""")).MaxMatches);
    }

    [Fact]
    public void Matches_stop_at_the_cap_and_short_spans_find_nothing()
    {
        var text = new string('a', 10_000);
        Assert.Equal(3, Find(text, "a", maxMatches: 3).Count);
        Assert.Empty(Find(text, "a", minSpanLength: 2));
        Assert.Equal(5000, Find(text, "aa", maxMatches: int.MaxValue).Count);
    }

    [Theory]
    [InlineData("Apple", "Apple", 0.8)]
    [InlineData("Apple", "apple", 1.0)]
    [InlineData("Apple", "APPLE", 0.0)]
    [InlineData("apple", "Apple", 0.8)]
    public void Score_is_the_python_examples_share_of_characters_equal_to_the_lower_cased_span(string span, string occurrence, double expected) =>
        Assert.Equal(expected, SubstringMatcher.Score(span, occurrence), 6);
}
