using System.Text.Json.Nodes;

namespace PluginHost.Tests;

/// <summary>The examples shipped in <c>scripts/</c>, served from a copy of that folder.</summary>
public sealed class ExampleScriptTests : IAsyncLifetime
{
    private const string SentimentConfig = """
        <View><Text name="text" value="$text"/>
          <Choices name="sentiment" toName="text"><Choice value="positive"/><Choice value="Bad" predicted_values="Negative"/><Choice value="Neutral"/></Choices>
        </View>
        """;

    private const string PatternConfig = """
        <View>
          <Labels name="label" toName="text"><Label value="Email"/><Label value="url"/><Label value="Date"/><Label value="Amount" predicted_values="Money"/></Labels>
          <Text name="text" value="$text"/>
        </View>
        """;

    private ScriptKit _kit = null!;

    public async Task InitializeAsync()
    {
        var examples = Directory.EnumerateFiles(Path.Combine(PluginFolders.RepoRoot, "scripts"), "*.csx")
            .Select(path => (Path.GetFileName(path), File.ReadAllText(path)))
            .ToArray();
        Assert.Contains(examples, e => e.Item1 == "keyword_classifier.csx");
        Assert.Contains(examples, e => e.Item1 == "pattern_tagger.csx");
        _kit = await ScriptKit.StartAsync(examples);
    }

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Theory]
    [InlineData("I love it, great and fast delivery", "positive")] // the config's spelling, matched ignoring case
    [InlineData("Terrible. It arrived broken and I want a refund", "Bad")] // through predicted_values="Negative"
    [InlineData("It is not working", "Bad")]
    [InlineData("The parcel is blue", "Neutral")] // no rule: the fallback
    public async Task Keyword_classifier_answers_the_configured_choice(string text, string expected)
    {
        var (status, body) = await _kit.PredictAsync("keyword_classifier", text, SentimentConfig);
        Assert.Equal(200, status);
        var region = body["results"]![0]!["result"]![0]!;
        Assert.Equal("sentiment", (string?)region["from_name"]);
        Assert.Equal("text", (string?)region["to_name"]);
        Assert.Equal("choices", (string?)region["type"]);
        Assert.Equal(expected, (string?)region["value"]!["choices"]![0]);
        Assert.InRange((double)region["score"]!, 0.0, 1.0);
        Assert.StartsWith("keyword_classifier-", (string?)body["results"]![0]!["model_version"]);
    }

    [Fact]
    public async Task Keyword_classifier_answers_one_prediction_per_task_in_order()
    {
        var body = LabelStudioRequests.Batch(["great stuff", "awful stuff", "plain stuff"], SentimentConfig);
        var (status, answer) = await _kit.Host.PostAsync("/keyword_classifier/predict", body);
        Assert.Equal(200, status);
        var choices = answer["results"]!.AsArray().Select(r => (string?)r!["result"]![0]!["value"]!["choices"]![0]).ToList();
        Assert.Equal(["positive", "Bad", "Neutral"], choices);
    }

    [Fact]
    public async Task Pattern_tagger_finds_emails_urls_dates_and_money_at_exact_offsets()
    {
        // Non-ASCII and an emoji (two UTF-16 units) before the entities: offsets must be Label Studio's (UTF-16).
        const string Text = "Café 😀 bill: mail anna.k@example.co.uk or see https://shop.example.com/o/2024-05-01?x=1. " +
                            "Due 2024-06-30 or March 3rd, 2025; total $1,299.50 (approx. 1200 EUR).";
        var (status, body) = await _kit.PredictAsync("pattern_tagger", Text, PatternConfig);
        Assert.Equal(200, status);
        var regions = body["results"]![0]!["result"]!.AsArray().Select(r => r!).ToList();
        var found = regions.Select(Describe).ToList();
        Assert.Equal(
        [
            ("Email", "anna.k@example.co.uk"),
            ("url", "https://shop.example.com/o/2024-05-01?x=1"), // the date inside stays part of the URL, the final "." is not
            ("Date", "2024-06-30"),
            ("Date", "March 3rd, 2025"),
            ("Amount", "$1,299.50"),
            ("Amount", "1200 EUR"),
        ], found.Select(f => (f.Label, f.Text)).ToList());
        foreach (var (label, text, start, end, region) in found)
        {
            Assert.Equal(Text.IndexOf(text, StringComparison.Ordinal), start);
            Assert.Equal(start + text.Length, end);
            Assert.Equal("labels", (string?)region["type"]);
            Assert.Equal("label", (string?)region["from_name"]);
            Assert.Equal("text", (string?)region["to_name"]);
        }
    }

    [Fact]
    public async Task Pattern_tagger_skips_kinds_the_config_lacks_and_answers_empty_for_plain_text()
    {
        const string OnlyEmails = """<View><Labels name="ner" toName="t"><Label value="EMAIL"/></Labels><Text name="t" value="$text"/></View>""";
        var (_, body) = await _kit.PredictAsync("pattern_tagger", "a@b.io on 2024-01-01 for $5", OnlyEmails);
        var region = Assert.Single(body["results"]![0]!["result"]!.AsArray())!;
        Assert.Equal("EMAIL", (string?)region["value"]!["labels"]![0]);
        Assert.Equal(0, (int)region["value"]!["start"]!);
        Assert.Equal(6, (int)region["value"]!["end"]!);

        var (_, plain) = await _kit.PredictAsync("pattern_tagger", "nothing to see here", PatternConfig);
        Assert.Empty(plain["results"]![0]!["result"]!.AsArray());
    }

    [Fact]
    public async Task An_example_without_a_matching_control_says_what_it_needs()
    {
        var (status, body) = await _kit.PredictAsync("keyword_classifier", "great", PatternConfig);
        Assert.Equal(400, status);
        Assert.Contains("needs a <Choices> control", (string?)body["detail"]);
    }

    private static (string Label, string Text, int Start, int End, JsonNode Region) Describe(JsonNode region)
    {
        var value = region["value"]!;
        return ((string)value["labels"]![0]!, (string)value["text"]!, (int)value["start"]!, (int)value["end"]!, region);
    }
}
