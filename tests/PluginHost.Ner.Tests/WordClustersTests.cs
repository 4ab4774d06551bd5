using PluginHost.Plugins.Ner.Features;

namespace PluginHost.Ner.Tests;

public sealed class WordClustersTests
{
    private static WordClusters Table(string lines) => WordClusters.Load(new StringReader(lines));

    [Fact]
    public void The_bundled_MiniLM_clusters_put_first_names_together_and_apart_from_cities()
    {
        var clusters = WordClusters.MiniLm;
        Assert.InRange(clusters.Count, 29_000, 30_522);
        var john = clusters.Lookup("John")!.Value;
        var james = clusters.Lookup("james")!.Value;
        var london = clusters.Lookup("London")!.Value;
        Assert.True(john.IsWholeWord);
        Assert.Equal(3, john.First.Length);
        Assert.Equal(john.First[1], james.First[1]);
        Assert.NotEqual(john.First[1], london.First[1]);
    }

    [Fact]
    public void Words_are_looked_up_lower_cased_and_without_accents_as_MiniLM_reads_them()
    {
        var clusters = Table("jose 1 2 3\n");
        Assert.Equal([1, 2, 3], clusters.Lookup("José")!.Value.First);
        Assert.Equal([1, 2, 3], clusters.Lookup("JOSE")!.Value.First);
    }

    [Fact]
    public void A_word_outside_the_vocabulary_is_described_by_its_first_and_last_word_pieces()
    {
        var clusters = Table("long 1 1 1\n##st 2 2 2\n##reet 3 3 3\n##street 4 4 4\nst 5 5 5\n");
        var longstreet = clusters.Lookup("Longstreet")!.Value;
        Assert.False(longstreet.IsWholeWord);
        Assert.Equal([1, 1, 1], longstreet.First);
        Assert.Equal([4, 4, 4], longstreet.Last!);
        // Greedy longest match: "st" + "##reet", not "st" + "##r"… ; a piece the table lacks means no clusters at all.
        Assert.Equal([3, 3, 3], clusters.Lookup("street")!.Value.Last!);
        Assert.Null(clusters.Lookup("longx"));
        Assert.Null(clusters.Lookup(new string('a', 41)));
    }

    [Fact]
    public void A_malformed_line_is_reported()
    {
        var error = Assert.Throws<InvalidDataException>(() => Table("long 1 1 1\nbroken\n"));
        Assert.Contains("'broken'", error.Message);
    }
}
