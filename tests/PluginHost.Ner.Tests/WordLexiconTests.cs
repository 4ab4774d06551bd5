using PluginHost.Plugins.Ner.Features;
using PluginHost.Plugins.Ner.Model;
using PluginHost.Plugins.Ner.Tagging;
using PluginHost.Plugins.Ner.Text;
using PluginHost.Plugins.Ner.Training;

namespace PluginHost.Ner.Tests;

public class WordLexiconTests
{
    private static (string, IReadOnlyList<Token>, IReadOnlyList<bool>) Text(string text, params string[] entityWords)
    {
        var tokens = Tokenizer.Tokenize(text);
        return (text, tokens, tokens.Select(t => entityWords.Contains(t.Text)).ToArray());
    }

    [Fact]
    public void Capitals_count_only_away_from_sentence_starts_and_entities_count_everywhere()
    {
        var lexicon = WordLexicon.Build([
            Text("Baldness is rare. Roberts saw the baldness of Roberts.", "Roberts"),
            Text("Roberts left.\nRoberts came back", "Roberts"),
        ]);

        // "Baldness" starts a sentence (says nothing about its case); "baldness" inside one is lower case.
        Assert.Equal(new WordStats(LowerInside: 1, CapitalInside: 0, InEntity: 0, Total: 2), lexicon["baldness"]);
        // Four "Roberts": after ". ", inside, at the text start and after a line break: one counts as a capital.
        Assert.Equal(new WordStats(LowerInside: 0, CapitalInside: 1, InEntity: 4, Total: 4), lexicon["roberts"]);
        Assert.Equal("lower1", lexicon["baldness"].CaseEvidence);
        Assert.Equal("never", lexicon["baldness"].EntityEvidence);
        Assert.Equal("capital1", lexicon["roberts"].CaseEvidence);
        Assert.Equal("always", lexicon["roberts"].EntityEvidence);
        // Punctuation is not a word; an unknown word has no evidence either way.
        Assert.Equal(default, lexicon["."]);
        Assert.Equal("none", lexicon["never-seen"].CaseEvidence);
        Assert.Equal("none", lexicon["never-seen"].EntityEvidence);
    }

    [Theory]
    [InlineData(3, 1, 1, 6, "mostly-lower", "sometimes")]
    [InlineData(1, 3, 3, 6, "mostly-capital", "mostly")]
    [InlineData(0, 7, 0, 7, "capital5+", "never")]
    [InlineData(2, 0, 0, 2, "lower2-4", "never")]
    public void Evidence_buckets_follow_the_counts(int lower, int capital, int entity, int total, string caseEvidence, string entityEvidence)
    {
        var stats = new WordStats(lower, capital, entity, total);
        Assert.Equal(caseEvidence, stats.CaseEvidence);
        Assert.Equal(entityEvidence, stats.EntityEvidence);
    }

    [Fact]
    public void Lines_round_trip_and_a_bad_line_is_refused_with_its_text()
    {
        var lexicon = WordLexicon.Build([Text("We met Ann in Paris and paris again.", "Ann", "Paris")]);
        var lines = lexicon.ToLines();
        Assert.Contains("paris 1 1 1 2", lines);
        var copy = WordLexicon.FromLines(lines);
        Assert.Equal(lexicon.Count, copy.Count);
        Assert.Equal(lines, copy.ToLines());

        var error = Assert.Throws<InvalidDataException>(() => WordLexicon.FromLines(["paris 1 1"]));
        Assert.Contains("'paris 1 1'", error.Message);
    }

    [Fact]
    public void Without_subtracts_counts_and_drops_words_left_with_none()
    {
        var first = Text("Ann met Bob.", "Ann", "Bob");
        var second = Text("Then Bob left.", "Bob");
        var both = WordLexicon.Build([first, second]);

        var rest = both.Without(WordLexicon.Build([second]));

        Assert.Equal(WordLexicon.Build([first]).ToLines(), rest.ToLines());
        Assert.Equal(default, rest["then"]);
        Assert.Equal(new WordStats(0, 1, 1, 1), rest["bob"]);
    }

    [Fact]
    public void Each_training_text_is_featurised_with_a_lexicon_that_never_counts_it()
    {
        var tags = new TagSet(["PER"], TagScheme.Bilou);
        var builder = new TrainingSetBuilder(tags);
        // Every text names a different person once: in its own fold's lexicon that name must be unknown.
        var sequences = Enumerable.Range(0, 12)
            .Select(i => builder.Add(new AnnotatedText($"Yesterday Person{i} arrived.", [new CharSpan(10, 10 + $"Person{i}".Length, "PER")])))
            .ToList();
        var all = WordLexicon.Build(sequences.Select(s => (s.Text, s.Tokens, (IReadOnlyList<bool>)s.Tags.Select(t => t != TagSet.Outside).ToArray())));

        var folds = NerTrainer.FoldLexicons(sequences, all).ToList();

        Assert.Equal(NerTrainer.LexiconFolds, folds.Count);
        Assert.Equal(sequences, folds.SelectMany(f => f.Fold));
        foreach (var (fold, lexicon) in folds)
        {
            foreach (var sequence in fold)
                Assert.Equal(default, lexicon[sequence.Tokens[1].Text.ToLowerInvariant()]);
            // Words of the other folds are there, with the other folds' counts only.
            Assert.Equal(12 - fold.Count, lexicon["arrived"].Total);
        }
        Assert.Equal(12, all["arrived"].Total);
    }

    [Fact]
    public void A_hidden_word_is_featurised_as_never_seen()
    {
        var lexicon = WordLexicon.Build([Text("Yesterday we met Roberts in town.", "Roberts")]);
        var text = "Then Roberts left.";
        var tokens = Tokenizer.Tokenize(text);

        var seen = TokenFeaturizer.Featurize(text, tokens, lexicon);
        var hidden = TokenFeaturizer.Featurize(text, tokens, lexicon, [false, true, false, false]);

        Assert.Contains("ev=Ccapital1|always", seen[1]);
        Assert.Contains("ev=Cnone|none", hidden[1]);
        Assert.Contains("ev+1=Cnone|none", hidden[0]);
        Assert.Equal(seen[2].Where(f => !f.StartsWith("ev")), hidden[2].Where(f => !f.StartsWith("ev")));
    }

    [Fact]
    public void Only_words_inside_entities_are_hidden_at_the_given_rate()
    {
        var tags = new TagSet(["PER"], TagScheme.Bilou);
        var sequence = new TrainingSetBuilder(tags).Add(new AnnotatedText("Ann Lee met Bob today", [new CharSpan(0, 7, "PER"), new CharSpan(12, 15, "PER")]));

        Assert.Equal([true, true, false, true, false], NerTrainer.HiddenEntityWords(sequence, 1, new Random(1)));
        Assert.Equal([false, false, false, false, false], NerTrainer.HiddenEntityWords(sequence, 0, new Random(1)));
        var many = Enumerable.Range(0, 2000).SelectMany(_ => NerTrainer.HiddenEntityWords(sequence, 0.15, new Random(_)).Where((_, i) => i is 0 or 1 or 3)).ToList();
        Assert.InRange(many.Count(h => h) / (double)many.Count, 0.12, 0.18);
    }
}
