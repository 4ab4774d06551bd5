using PluginHost.Plugins.Ner.Tagging;
using PluginHost.Plugins.Ner.Training;

namespace PluginHost.Ner.Tests;

public class TrainingSetBuilderTests
{
    private static readonly TagSet Tags = new(["PER", "ORG"], TagScheme.Bio);

    private static string[] TagNames(TrainingSequence sequence) => sequence.Tags.Select(t => Tags.Names[t]).ToArray();

    [Fact]
    public void Spans_that_cut_tokens_are_snapped_to_token_boundaries()
    {
        var builder = new TrainingSetBuilder(Tags);
        // "Acm" cuts "Acme"; " Corp " has spaces around it; "Bob Smi" cuts "Smith" after more than half of it.
        var sequence = builder.Add(new AnnotatedText("Acme Corp hired Bob Smith.", [new(0, 3, "ORG"), new(4, 10, "ORG"), new(16, 23, "PER")]));
        Assert.Equal(["B-ORG", "B-ORG", "O", "B-PER", "I-PER", "O"], TagNames(sequence));
        Assert.Equal(3, builder.Stats.SnappedSpans);
    }

    [Fact]
    public void A_span_grazing_the_next_word_does_not_take_it()
    {
        var builder = new TrainingSetBuilder(Tags);
        var sequence = builder.Add(new AnnotatedText("Bob Smithson left", [new(0, 5, "PER")]));
        Assert.Equal(["B-PER", "O", "O"], TagNames(sequence));
    }

    [Fact]
    public void Overlapping_spans_keep_the_longer_one()
    {
        var builder = new TrainingSetBuilder(Tags);
        var sequence = builder.Add(new AnnotatedText("Bank of Bob Smith", [new(8, 11, "PER"), new(0, 17, "ORG"), new(12, 17, "PER")]));
        Assert.Equal(["B-ORG", "I-ORG", "I-ORG", "I-ORG"], TagNames(sequence));
        Assert.Equal(2, builder.Stats.OverlappingSpansDropped);
    }

    [Fact]
    public void Unknown_labels_and_invalid_spans_are_ignored_and_empty_annotations_kept_as_negatives()
    {
        var builder = new TrainingSetBuilder(Tags);
        var sequence = builder.Add(new AnnotatedText("Paris is nice", [new(0, 5, "LOC"), new(3, 99, "PER"), new(4, 4, "PER")]));
        var empty = builder.Add(new AnnotatedText("Nothing here.", []));
        Assert.All(TagNames(sequence), t => Assert.Equal("O", t));
        Assert.All(TagNames(empty), t => Assert.Equal("O", t));
        Assert.Equal(1, builder.Stats.UnknownLabelSpansIgnored);
        Assert.Equal(2, builder.Stats.InvalidSpansIgnored);
        Assert.Equal(2, builder.Stats.TextsWithoutSpans);
        Assert.Equal(0, builder.Stats.Spans);
    }

    [Fact]
    public void Character_spans_round_trip_through_tags_when_they_fall_on_tokens()
    {
        const string text = "Zoë O'Brien joined Société Lumière in São Paulo.";
        CharSpan[] spans = [new(0, 11, "PER"), new(19, 34, "ORG")];
        var builder = new TrainingSetBuilder(Tags);
        var sequence = builder.Add(new AnnotatedText(text, spans));
        var decoded = Tags.Decode(sequence.Tags)
            .Select(s => new CharSpan(sequence.Tokens[s.Start].Start, sequence.Tokens[s.End - 1].End, Tags.Labels[s.Label]));
        Assert.Equal(spans, decoded);
        Assert.Equal(0, builder.Stats.SnappedSpans);
    }
}
