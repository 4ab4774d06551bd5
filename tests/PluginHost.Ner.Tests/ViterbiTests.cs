using PluginHost.Plugins.Ner.Tagging;

namespace PluginHost.Ner.Tests;

public class ViterbiTests
{
    private static readonly string[] Labels = ["PER", "ORG", "LOC"];

    private static float[] LogEmissions(TagSet tags, params (string Tag, float Probability)[][] rows)
    {
        var k = tags.Count;
        var emissions = new float[rows.Length * k];
        for (var t = 0; t < rows.Length; t++)
        {
            var rest = (1 - rows[t].Sum(r => r.Probability)) / (k - rows[t].Length);
            for (var tag = 0; tag < k; tag++) emissions[t * k + tag] = MathF.Log(rest);
            foreach (var (name, probability) in rows[t]) emissions[t * k + tags.Names.ToList().IndexOf(name)] = MathF.Log(probability);
        }
        return emissions;
    }

    [Fact]
    public void Fixes_a_sequence_where_greedy_decoding_is_invalid()
    {
        var tags = new TagSet(Labels, TagScheme.Bio);
        // "visited New York": the classifier likes I-LOC for "New" but is unsure whether it begins the entity.
        var emissions = LogEmissions(tags,
            [("O", 0.9f)],
            [("I-LOC", 0.5f), ("B-LOC", 0.4f)],
            [("I-LOC", 0.8f)]);
        var greedy = ViterbiDecoder.Greedy(emissions, 3, tags.Count);
        Assert.Equal(["O", "I-LOC", "I-LOC"], greedy.Select(t => tags.Names[t]));
        Assert.False(tags.IsValid(greedy));

        var best = new ViterbiDecoder(tags).Decode(emissions, 3);
        Assert.Equal(["O", "B-LOC", "I-LOC"], best.Select(t => tags.Names[t]));
    }

    [Fact]
    public void Does_not_continue_an_entity_with_another_label()
    {
        var tags = new TagSet(Labels, TagScheme.Bio);
        var emissions = LogEmissions(tags, [("B-PER", 0.9f)], [("I-ORG", 0.6f), ("I-PER", 0.3f)]);
        var best = new ViterbiDecoder(tags).Decode(emissions, 2);
        Assert.True(tags.IsValid(best));
        Assert.Equal(["B-PER", "I-PER"], best.Select(t => tags.Names[t]));
    }

    [Theory]
    [InlineData(TagScheme.Bio, 0f)]
    [InlineData(TagScheme.Bio, 1f)]
    [InlineData(TagScheme.Bilou, 0f)]
    [InlineData(TagScheme.Bilou, 1f)]
    public void Never_emits_an_invalid_sequence(TagScheme scheme, float transitionWeight)
    {
        var tags = new TagSet(Labels, scheme);
        var random = new Random(3);
        var transitions = TransitionTable.Count(tags, [tags.Encode([new TokenSpan(1, 3, 0)], 5)]);
        var decoder = new ViterbiDecoder(tags, transitions, transitionWeight);
        var greedyInvalid = 0;
        for (var trial = 0; trial < 2000; trial++)
        {
            var n = random.Next(1, 25);
            var emissions = new float[n * tags.Count];
            for (var i = 0; i < emissions.Length; i++) emissions[i] = MathF.Log((float)random.NextDouble() + 1e-6f);
            var path = decoder.Decode(emissions, n);
            Assert.Equal(n, path.Length);
            Assert.True(tags.IsValid(path), $"invalid: {string.Join(" ", path.Select(t => tags.Names[t]))}");
            if (!tags.IsValid(ViterbiDecoder.Greedy(emissions, n, tags.Count))) greedyInvalid++;
        }
        Assert.True(greedyInvalid > 100, "the random emissions must make greedy decoding invalid often, or this test proves nothing");
    }

    [Fact]
    public void Empty_sequences_decode_to_nothing()
    {
        var tags = new TagSet(Labels, TagScheme.Bio);
        Assert.Empty(new ViterbiDecoder(tags).Decode([], 0));
    }
}
