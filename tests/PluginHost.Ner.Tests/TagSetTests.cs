using PluginHost.Plugins.Ner.Tagging;

namespace PluginHost.Ner.Tests;

public class TagSetTests
{
    private static readonly string[] Labels = ["PER", "ORG", "LOC"];

    [Fact]
    public void Bio_encodes_spans_as_begin_and_inside_tags()
    {
        var tags = new TagSet(Labels, TagScheme.Bio);
        var encoded = tags.Encode([new TokenSpan(0, 2, 0), new TokenSpan(3, 4, 2), new TokenSpan(4, 7, 1)], 8);
        Assert.Equal(["B-PER", "I-PER", "O", "B-LOC", "B-ORG", "I-ORG", "I-ORG", "O"], encoded.Select(t => tags.Names[t]));
    }

    [Fact]
    public void Bilou_encodes_last_and_unit_tags()
    {
        var tags = new TagSet(Labels, TagScheme.Bilou);
        var encoded = tags.Encode([new TokenSpan(0, 2, 0), new TokenSpan(3, 4, 2), new TokenSpan(4, 7, 1)], 8);
        Assert.Equal(["B-PER", "L-PER", "O", "U-LOC", "B-ORG", "I-ORG", "L-ORG", "O"], encoded.Select(t => tags.Names[t]));
    }

    [Theory]
    [InlineData(TagScheme.Bio)]
    [InlineData(TagScheme.Bilou)]
    public void Spans_round_trip_through_tags(TagScheme scheme)
    {
        var tags = new TagSet(Labels, scheme);
        var random = new Random(42);
        for (var trial = 0; trial < 500; trial++)
        {
            var length = random.Next(0, 30);
            var spans = new List<TokenSpan>();
            var t = 0;
            while (t < length)
            {
                t += random.Next(0, 3);
                var spanLength = random.Next(1, 4);
                if (t + spanLength > length) break;
                spans.Add(new TokenSpan(t, t + spanLength, random.Next(Labels.Length)));
                t += spanLength;
            }
            var encoded = tags.Encode(spans, length);
            Assert.True(tags.IsValid(encoded));
            Assert.Equal(spans, tags.Decode(encoded));
        }
    }

    [Fact]
    public void Invalid_sequences_decode_leniently()
    {
        var tags = new TagSet(Labels, TagScheme.Bio);
        int[] sequence = [TagSet.Outside, tags.Tag('I', 0), tags.Tag('I', 0), tags.Tag('I', 1), TagSet.Outside];
        Assert.False(tags.IsValid(sequence));
        Assert.Equal([new TokenSpan(1, 3, 0), new TokenSpan(3, 4, 1)], tags.Decode(sequence));
    }

    [Fact]
    public void Bio_transitions_forbid_inside_without_a_matching_begin()
    {
        var tags = new TagSet(Labels, TagScheme.Bio);
        Assert.False(tags.IsAllowed(-1, tags.Tag('I', 0)));
        Assert.False(tags.IsAllowed(TagSet.Outside, tags.Tag('I', 0)));
        Assert.False(tags.IsAllowed(tags.Tag('B', 1), tags.Tag('I', 0)));
        Assert.True(tags.IsAllowed(tags.Tag('B', 0), tags.Tag('I', 0)));
        Assert.True(tags.IsAllowed(tags.Tag('I', 0), tags.Tag('I', 0)));
        Assert.True(tags.IsAllowed(tags.Tag('I', 0), tags.Tag('B', 0)));
    }

    [Fact]
    public void Bilou_transitions_require_closed_entities()
    {
        var tags = new TagSet(Labels, TagScheme.Bilou);
        Assert.False(tags.IsAllowed(tags.Tag('B', 0), TagSet.Outside));
        Assert.False(tags.IsAllowed(tags.Tag('B', 0), tags.Tag('L', 1)));
        Assert.True(tags.IsAllowed(tags.Tag('B', 0), tags.Tag('L', 0)));
        Assert.False(tags.IsAllowed(tags.Tag('L', 0), tags.Tag('I', 0)));
        Assert.True(tags.IsAllowed(tags.Tag('U', 0), tags.Tag('B', 2)));
        Assert.False(tags.IsAllowedEnd(tags.Tag('I', 0)));
        Assert.True(tags.IsAllowedEnd(tags.Tag('U', 0)));
    }

    [Fact]
    public void Overlapping_spans_are_refused_by_the_encoder()
    {
        var tags = new TagSet(Labels, TagScheme.Bio);
        Assert.Throws<ArgumentException>(() => tags.Encode([new TokenSpan(0, 3, 0), new TokenSpan(2, 4, 1)], 5));
    }
}
