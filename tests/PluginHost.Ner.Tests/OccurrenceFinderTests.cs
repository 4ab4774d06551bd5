using PluginHost.Plugins.Ner.Text;

namespace PluginHost.Ner.Tests;

public class OccurrenceFinderTests
{
    [Fact]
    public void Finds_whole_word_matches_ignoring_case_and_whitespace()
    {
        const string text = "New York is big. I love new\n  york, not NewYork or New Yorker. NEW YORK!";
        var matches = OccurrenceFinder.Find(text, "New  York");
        Assert.Equal(["New York", "new\n  york", "NEW YORK"], matches.Select(m => text[m.Start..m.End]));
    }

    [Fact]
    public void Possessives_and_punctuation_end_a_word_but_letters_do_not()
    {
        const string text = "Apple's shares; Applebee's menu; (apple) pineapple";
        var matches = OccurrenceFinder.Find(text, "apple");
        Assert.Equal([(0, 5), (34, 39)], matches);
    }

    [Fact]
    public void Blank_phrases_match_nothing() => Assert.Empty(OccurrenceFinder.Find("some text", "  "));
}
