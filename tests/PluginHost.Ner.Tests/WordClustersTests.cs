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
    public void A_malformed_line_or_a_line_with_another_number_of_ids_is_reported()
    {
        var error = Assert.Throws<InvalidDataException>(() => Table("long 1 1 1\nbroken\n"));
        Assert.Contains("'broken'", error.Message);
        Assert.Throws<InvalidDataException>(() => Table("long 1 1 1\nshort 1 1\n"));
        Assert.Equal([2, 6, 4], Table("a 1 5 0\nb 0 0 3\n").ClusterCounts);
    }

    [Fact]
    public void Cluster_feature_names_carry_kind_granularity_offset_and_id()
    {
        var names = new ClusterFeatureNames([64, 256]);
        Assert.Equal(2, names.Grains);
        Assert.Equal("c256=49", names.Get(ClusterFeatureNames.Whole, 1, 49));
        Assert.Equal("cf64=3", names.Get(ClusterFeatureNames.FirstPiece, 0, 3));
        Assert.Equal("cl256=255", names.Get(ClusterFeatureNames.LastPiece, 1, 255));
        Assert.Equal("c64-1=7", names.Get(ClusterFeatureNames.Before, 0, 7));
        Assert.Equal("c256+1=?", names.Unknown(ClusterFeatureNames.After, 1));
        Assert.Equal("c64-1=<s>", names.Edge(ClusterFeatureNames.Before, 0));
        Assert.Equal("c64+1=</s>", names.Edge(ClusterFeatureNames.After, 0));
    }
}
