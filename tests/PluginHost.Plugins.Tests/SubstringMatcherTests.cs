using PluginHost.Plugins.SubstringMatching;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Tests;

public sealed class SubstringMatcherTests
{
    private static List<(int, int)> Find(string text, string needle, bool caseInsensitive = false, bool wholeWord = false) =>
        SubstringMatcher.FindAll(text, needle, new MatchOptions(caseInsensitive, wholeWord, 0.8)).ToList();

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
        var options = MatchOptions.From(new SubstringSettings { CaseInsensitive = true }, ExtraParams.Parse("""{"case_insensitive":"false","whole_word":1}"""));
        Assert.False(options.CaseInsensitive);
        Assert.True(options.WholeWord);
    }
}
