using System.Numerics.Tensors;
using PluginHost.Plugins.EmbeddingClassifier.MiniLm;

namespace PluginHost.Embedding.Tests;

public sealed class EncoderTests
{
    [Fact]
    public void Tokenizer_splits_on_any_whitespace_strips_accents_and_cuts_unknown_words_into_pieces()
    {
        var tokenizer = BundledModel.Tokenizer;
        var ids = tokenizer.Encode("Café\nHello,\tWORLD! unaffable");
        var expected = new[] { "cafe", "hello", ",", "world", "!", "una", "##ffa", "##ble" }.Select(t => Id(tokenizer, t)).ToList();
        Assert.Equal(expected, ids);
        Assert.Equal([tokenizer.UnknownId], tokenizer.Encode(new string('x', 120)));
        Assert.Equal(3, tokenizer.Encode("one two three four five", maxIds: 3).Count);
    }

    [Fact]
    public async Task Embeddings_are_unit_vectors_closer_for_sentences_that_mean_the_same()
    {
        var encoder = BundledModel.Encoder;
        var vectors = await encoder.EncodeAsync(["A man is eating food.", "A man is eating a piece of bread.", "The girl is carrying a baby.", ""], CancellationToken.None);
        Assert.All(vectors, v => Assert.Equal(384, v.Length));
        Assert.All(vectors, v => Assert.InRange(TensorPrimitives.Norm(v), 0.999f, 1.001f));
        var similar = TensorPrimitives.Dot(vectors[0], vectors[1]);
        var different = TensorPrimitives.Dot(vectors[0], vectors[2]);
        Assert.True(similar > 0.6 && different < 0.3, $"similar {similar}, different {different}");
    }

    [Fact]
    public async Task A_long_text_is_chunked_and_pooled_and_a_batch_equals_one_by_one()
    {
        var encoder = BundledModel.Encoder;
        var sentence = "The committee approved the new budget for public schools after a long debate. ";
        var texts = new[] { string.Concat(Enumerable.Repeat(sentence, 60)), "Short text.", sentence };
        var batch = await encoder.EncodeAsync(texts, CancellationToken.None);
        for (var i = 0; i < texts.Length; i++)
        {
            var single = (await encoder.EncodeAsync([texts[i]], CancellationToken.None))[0];
            var same = TensorPrimitives.Dot(batch[i], single);
            Assert.True(same > 0.9999f, $"text {i}: {same}");
        }
        // The repeated sentence is closer to the sentence than to an unrelated text.
        var repeated = TensorPrimitives.Dot(batch[0], batch[2]);
        var unrelated = TensorPrimitives.Dot(batch[0], batch[1]);
        Assert.True(repeated > 0.6f && repeated > unrelated + 0.2f, $"repeated {repeated}, unrelated {unrelated}");
    }

    private static int Id(WordPieceTokenizer tokenizer, string token)
    {
        var ids = tokenizer.Encode(token.TrimStart('#'));
        Assert.NotEmpty(ids);
        return token.StartsWith("##", StringComparison.Ordinal) ? LookupContinuation(token) : ids[0];
    }

    private static int LookupContinuation(string token)
    {
        using var vocabulary = new StreamReader(BundledModel.Source.OpenVocabulary());
        var index = 0;
        while (vocabulary.ReadLine() is { } line)
        {
            if (line == token) return index;
            index++;
        }
        throw new InvalidOperationException($"{token} is not in the vocabulary");
    }
}
