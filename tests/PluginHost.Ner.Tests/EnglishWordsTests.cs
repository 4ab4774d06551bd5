using PluginHost.Plugins.Ner.Features;
using PluginHost.Plugins.Ner.Text;

namespace PluginHost.Ner.Tests;

public sealed class EnglishWordsTests
{
    [Fact]
    public void The_bundled_SCOWL_list_knows_common_words_but_not_first_names()
    {
        var words = EnglishWords.Scowl;
        Assert.InRange(words.Count, 60_000, 62_000);
        Assert.Equal("10", words.Level("the"));
        Assert.NotNull(words.Level("baldness"));
        Assert.NotNull(words.Level("captain"));
        Assert.Null(words.Level("scotty"));
        Assert.Null(words.Level("freddy"));
    }

    [Fact]
    public void Words_take_the_level_of_the_section_they_are_in()
    {
        var words = EnglishWords.Load(new StringReader("# level 10\nthe\n# level 35\nbaldness\n\n"));
        Assert.Equal(2, words.Count);
        Assert.Equal("10", words.Level("the"));
        Assert.Equal("35", words.Level("baldness"));
        Assert.Null(words.Level("Baldness"));
    }

    [Fact]
    public void A_word_before_any_level_is_reported()
    {
        var error = Assert.Throws<InvalidDataException>(() => EnglishWords.Load(new StringReader("the\n# level 10\n")));
        Assert.Contains("'the'", error.Message);
    }

    [Fact]
    public void The_features_say_whether_a_capitalised_word_is_an_English_word_and_which_word_class_it_is_in()
    {
        const string text = "Scotty would hear Baldness";
        var features = TokenFeaturizer.Featurize(text, Tokenizer.Tokenize(text), WordLexicon.Empty);
        Assert.Contains("en|cap=noC|bos", features[0]);
        Assert.Contains("en+1=yes", features[0]);
        Assert.Contains(features[3], f => f.StartsWith("en|cap=", StringComparison.Ordinal) && f != "en|cap=noC" && f.EndsWith('C'));
        Assert.Contains(features[1], f => f.StartsWith("c256=", StringComparison.Ordinal));
        Assert.Contains(features[1], f => f.StartsWith("c64-1=", StringComparison.Ordinal));
    }
}
