using PluginHost.Plugins.EmbeddingClassifier;
using PluginHost.Plugins.Text;

namespace PluginHost.Embedding.Tests;

public sealed class HeadTests
{
    private static readonly ChoicesTarget Single = new("topic", "text", "text", ["A", "B", "C"], false, null);
    private static readonly ChoicesTarget Multiple = new("tags", "text", "text", ["A", "B", "C", "D"], true, null);

    [Fact]
    public void Single_choice_head_separates_clusters_and_round_trips_through_its_file()
    {
        var (vectors, labels) = Clusters(3, 20, seed: 1);
        var head = HeadTrainer.Train(vectors, labels.Select(l => (IReadOnlyList<string>)[l]).ToList(), Single, "enc", 10, CancellationToken.None);
        var (test, truth) = Clusters(3, 10, seed: 2);
        for (var i = 0; i < test.Count; i++)
        {
            var p = head.Score(test[i]);
            Assert.Equal(truth[i], head.Metadata.ModelLabels[Array.IndexOf(p, p.Max())]);
            Assert.InRange(p.Sum(), 0.999f, 1.001f);
        }
        var dir = Directory.CreateTempSubdirectory("head").FullName;
        head.Save(dir);
        var loaded = EmbeddingHead.Load(dir);
        Assert.Equal(head.Score(test[0]), loaded.Score(test[0]));
        Assert.Equal("enc", loaded.Metadata.Encoder);
    }

    [Fact]
    public void Multiple_choice_head_learns_each_label_and_keeps_constant_ones_as_rates()
    {
        // A: cluster 0, B: cluster 1 or 2, C: never, D: always.
        var (vectors, clusters) = Clusters(3, 20, seed: 3);
        var labels = clusters.Select(c => (IReadOnlyList<string>)(c == "A" ? ["A", "D"] : ["B", "D"])).ToList();
        var head = HeadTrainer.Train(vectors, labels, Multiple, "enc", 10, CancellationToken.None);
        Assert.Equal(["A", "B"], head.Metadata.ModelLabels);
        Assert.Equal(0.0, head.Metadata.ConstantLabels["C"]);
        Assert.Equal(1.0, head.Metadata.ConstantLabels["D"]);
        var (test, truth) = Clusters(3, 5, seed: 4);
        for (var i = 0; i < test.Count; i++)
        {
            var p = head.Score(test[i]);
            Assert.Equal(truth[i] == "A", p[0] > 0.5f);
            Assert.Equal(truth[i] != "A", p[1] > 0.5f);
        }
    }

    [Fact]
    public void Single_choice_with_one_label_says_why_it_cannot_train()
    {
        var (vectors, _) = Clusters(1, 5, seed: 5);
        var error = Assert.Throws<InvalidOperationException>(() =>
            HeadTrainer.Train(vectors, vectors.Select(_ => (IReadOnlyList<string>)["A"]).ToList(), Single, "enc", 10, CancellationToken.None));
        Assert.Contains("at least two different labels", error.Message);
    }

    [Fact]
    public void Cache_keeps_the_most_recently_used_entries()
    {
        var cache = new EmbeddingCache(2);
        cache.Add(EmbeddingCache.KeyOf("a"), [1]);
        cache.Add(EmbeddingCache.KeyOf("b"), [2]);
        Assert.True(cache.TryGet(EmbeddingCache.KeyOf("a"), out _));
        cache.Add(EmbeddingCache.KeyOf("c"), [3]);
        Assert.False(cache.TryGet(EmbeddingCache.KeyOf("b"), out _));
        Assert.True(cache.TryGet(EmbeddingCache.KeyOf("a"), out var a));
        Assert.Equal([1f], a);
        Assert.Equal(2, cache.Count);
    }

    /// <summary>Unit vectors around <paramref name="count"/> random centres in 384 dimensions, labelled A, B, C…</summary>
    private static (List<float[]> Vectors, List<string> Labels) Clusters(int count, int perCluster, int seed)
    {
        var centres = new Random(42);
        var centre = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 384).Select(_ => (float)(centres.NextDouble() * 2 - 1)).ToArray()).ToList();
        var random = new Random(seed);
        var vectors = new List<float[]>();
        var labels = new List<string>();
        for (var c = 0; c < count; c++)
            for (var i = 0; i < perCluster; i++)
            {
                var v = centre[c].Select(x => x + (float)(random.NextDouble() * 2 - 1) * 0.8f).ToArray();
                var norm = MathF.Sqrt(v.Sum(x => x * x));
                vectors.Add(v.Select(x => x / norm).ToArray());
                labels.Add(((char)('A' + c)).ToString());
            }
        return (vectors, labels);
    }
}
