using PluginHost.Plugins.Ner.Text;

namespace PluginHost.Ner.Tests;

public class TokenizerTests
{
    private static string[] Words(string text) => Tokenizer.Tokenize(text).Select(t => t.Text).ToArray();

    [Theory]
    [InlineData("Hello, world!", new[] { "Hello", ",", "world", "!" })]
    [InlineData("O'Brien's book", new[] { "O'Brien", "'s", "book" })]
    [InlineData("Apple’s shares", new[] { "Apple", "’s", "shares" })]
    [InlineData("Jean-Luc met Anne-Marie", new[] { "Jean-Luc", "met", "Anne-Marie" })]
    [InlineData("pre- and post-war", new[] { "pre", "-", "and", "post-war" })]
    [InlineData("rose 3.14% to $1,000.50.", new[] { "rose", "3.14", "%", "to", "$", "1,000.50", "." })]
    [InlineData("a - b -- c", new[] { "a", "-", "b", "-", "-", "c" })]
    [InlineData("“Quoted,” he said (twice).", new[] { "“", "Quoted", ",", "”", "he", "said", "(", "twice", ")", "." })]
    [InlineData("'tis 'quoted'", new[] { "'", "tis", "'", "quoted", "'" })]
    public void Splits_words_numbers_and_punctuation(string text, string[] expected) => Assert.Equal(expected, Words(text));

    [Theory]
    [InlineData("Zoë Łukasz visited São Paulo and Zürich.")]
    [InlineData("東京 と 大阪 are in 日本.")]
    [InlineData("Он живёт в Москве, а она — в Киеве.")]
    [InlineData("e\u0301te\u0301 café")]
    [InlineData("I ❤️ 🍕 and 𝒳𝓎𝓏 text\twith\ttabs\r\nand lines")]
    [InlineData("  leading and trailing  ")]
    [InlineData("")]
    public void Offsets_are_exact_and_cover_every_non_space_character(string text)
    {
        var tokens = Tokenizer.Tokenize(text);
        var covered = new bool[text.Length];
        var previousEnd = 0;
        foreach (var token in tokens)
        {
            Assert.Equal(token.Text, text[token.Start..token.End]);
            Assert.True(token.Start >= previousEnd, "tokens are ordered and disjoint");
            Assert.False(string.IsNullOrWhiteSpace(token.Text));
            Assert.False(char.IsLowSurrogate(text[token.Start]), "a token never starts inside a surrogate pair");
            Assert.False(char.IsHighSurrogate(text[token.End - 1]), "a token never ends inside a surrogate pair");
            for (var i = token.Start; i < token.End; i++) covered[i] = true;
            previousEnd = token.End;
        }
        for (var i = 0; i < text.Length; i++)
            Assert.True(covered[i] || char.IsWhiteSpace(text[i]) || text[i] == '\u200B', $"character {i} '{text[i]}' is not in a token");
    }

    [Fact]
    public void Unicode_words_stay_whole()
    {
        Assert.Equal(["Zoë", "Łukasz", "visited", "São", "Paulo", "."], Words("Zoë Łukasz visited São Paulo."));
        Assert.Equal(["e\u0301te\u0301"], Words("e\u0301te\u0301"));
        Assert.Equal(["𝒳𝓎𝓏", "🍕"], Words("𝒳𝓎𝓏 🍕"));
    }

    [Fact]
    public void Offsets_point_into_the_original_text()
    {
        const string text = "Dr. Søren  Ødegaard\njoined\tAcme-Corp.";
        var tokens = Tokenizer.Tokenize(text);
        Assert.Equal([(0, 2), (2, 3), (4, 9), (11, 19), (20, 26), (27, 36), (36, 37)], tokens.Select(t => (t.Start, t.End)));
    }
}
