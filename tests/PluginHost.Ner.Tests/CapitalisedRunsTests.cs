using PluginHost.Plugins.Ner.Features;
using PluginHost.Plugins.Ner.Text;

namespace PluginHost.Ner.Tests;

public class CapitalisedRunsTests
{
    /// <summary>Each token's place in its run, "-" outside any.</summary>
    private static string[] Positions(string text) => CapitalisedRuns.Positions(Tokenizer.Tokenize(text)).Select(p => p ?? "-").ToArray();

    [Fact]
    public void A_run_of_capitalised_words_marks_its_first_inner_and_last_word()
    {
        Assert.Equal(["-", "-", "3/B", "3/I", "3/L", "-", "1/S"],
            Positions("in character Augustus Baldwin Longstreet met Ransy"));
    }

    [Fact]
    public void A_glued_abbreviation_dot_continues_a_run_only_before_a_capitalised_word()
    {
        // "St. Louis": St + . + Louis is one run; "Fig. 1" ends at the dot; a spaced " . " never joins.
        Assert.Equal(["-", "3/B", "3/I", "3/L"], Positions("downtown St. Louis"));
        Assert.Equal(["1/S", "-", "-"], Positions("Fig. 1"));
        Assert.Equal(["1/S", "-", "1/S"], Positions("Ann . Bob"));
    }

    [Fact]
    public void Runs_longer_than_four_words_share_one_length_bucket()
    {
        Assert.Equal(["4/B", "4/I", "4/I", "4/I", "4/L"], Positions("Via Capo Di Ferro Vicolo"));
    }
}
