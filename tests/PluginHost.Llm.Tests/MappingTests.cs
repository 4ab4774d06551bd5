using System.Text.Json.Nodes;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Tests.Shared;

namespace PluginHost.Llm.Tests;

/// <summary>The model's structured answer mapped onto the label config, against a fake OpenAI-compatible server.</summary>
public sealed class MappingTests
{
    internal const string Classification = """
        <View>
          <Text name="text" value="$text"/>
          <TextArea name="prompt" toName="text" editable="true" rows="2" maxSubmissions="1"/>
          <Choices name="sentiment" toName="text" choice="single">
            <Choice value="Positive"/><Choice value="Negative"/><Choice value="Neutral"/>
          </Choices>
        </View>
        """;

    internal const string Ner = """
        <View>
          <Labels name="label" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>
          <Text name="text" value="$text"/>
        </View>
        """;

    private const string FreeText = """
        <View>
          <Text name="text" value="$text"/>
          <TextArea name="summary" toName="text"/>
          <Rating name="quality" toName="text" maxRating="5"/>
          <Number name="year" toName="text" min="1800" max="2100"/>
        </View>
        """;

    [Fact]
    public async Task Choices_come_only_from_the_allowed_labels_and_the_schema_lists_them()
    {
        await using var kit = await LlmTestKit.StartAsync();
        kit.Fake.Responder = r => r.TextOf("user").Contains("awful")
            ? FakeChatReply.Json(new { sentiment = "Sarcastic" })      // not a label of the config
            : FakeChatReply.Json(new { sentiment = "positive" });      // a label, in another case

        var predictions = await kit.PredictAsync(Classification, [new { text = "What a lovely day" }, new { text = "An awful film" }]);

        var first = predictions[0];
        Assert.Equal(["textarea", "choices"], first.Result.Select(r => r.Type));
        Assert.Equal(["Positive"], first.Result[1].Value!.Choices);
        LlmTestKit.AssertValid(first, Classification);
        Assert.DoesNotContain(predictions[1].Result, r => r.Type == "choices");
        LlmTestKit.AssertValid(predictions[1], Classification);

        var request = kit.Fake.ChatRequests.First();
        Assert.Equal($"Bearer {LlmTestKit.ApiKey}", request.Authorization);
        Assert.Equal("fake-model", (string?)request.Body["model"]);
        Assert.Equal("json_schema", request.ResponseFormatType);
        var schema = request.Body["response_format"]!["json_schema"]!["schema"]!;
        Assert.Equal(["Positive", "Negative", "Neutral"], schema["properties"]!["sentiment"]!["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["sentiment"], schema["required"]!.AsArray().Select(v => (string)v!));
        // No prompt stored and none configured: the built-in directive, with the text as the Python example's template.
        Assert.Contains("**Source Text**", request.TextOf("user"));
    }

    [Fact]
    public async Task Spans_get_exact_offsets_in_order_and_spans_not_in_the_text_are_dropped()
    {
        const string text = "Alice met Bob in Paris. Later bob left Paris for Rome.";
        await using var kit = await LlmTestKit.StartAsync();
        kit.Fake.Responder = _ => FakeChatReply.Json(new
        {
            label = new object[]
            {
                new { text = "Alice", label = "PER" },
                new { text = "Bob", label = "PER" },
                new { text = "Paris", label = "LOC" },
                new { text = "Bob", label = "PER" },          // the second mention: "bob", matched ignoring case
                new { text = "Paris", label = "LOC" },        // the second Paris
                new { text = "London", label = "LOC" },       // not in the text: dropped
                new { text = "Rome", label = "CITY" },        // not a label: dropped
                new { text = "Alice", label = "PER" },        // a third Alice that does not exist: dropped
            },
        });

        var prediction = Assert.Single(await kit.PredictAsync(Ner, [new { text }]));

        var spans = prediction.Result.Select(r => (r.Value!.Start!.Value, r.Value.End!.Value, r.Value.Text!, r.Value.Labels![0])).ToList();
        Assert.Equal([(0, 5, "Alice", "PER"), (10, 13, "Bob", "PER"), (17, 22, "Paris", "LOC"), (30, 33, "bob", "PER"), (39, 44, "Paris", "LOC")], spans);
        foreach (var (start, end, quoted, _) in spans) Assert.Equal(quoted, text[start..end]);
        LlmTestKit.AssertValid(prediction, Ner);
        var items = kit.Fake.ChatRequests.Single().Body["response_format"]!["json_schema"]!["schema"]!["properties"]!["label"]!["items"]!;
        Assert.Equal(["PER", "LOC"], items["properties"]!["label"]!["enum"]!.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public async Task Free_text_rating_and_number_fill_their_controls_within_range()
    {
        await using var kit = await LlmTestKit.StartAsync();
        kit.Fake.Responder = r => r.TextOf("user").Contains("1843")
            ? FakeChatReply.Json(new { summary = "Notes on the Analytical Engine.", quality = 4, year = 1843 })
            : FakeChatReply.Json(new { summary = "", quality = 9, year = 3000 });  // empty, above maxRating, above max

        var predictions = await kit.PredictAsync(FreeText, [new { text = "Published in 1843." }, new { text = "Undated." }]);

        var full = predictions[0].Result;
        Assert.Equal(["textarea", "rating", "number"], full.Select(r => r.Type));
        Assert.Equal(["Notes on the Analytical Engine."], full[0].Value!.TextLines);
        Assert.Equal(4, full[1].Value!.Rating);
        Assert.Equal(1843, full[2].Value!.Number);
        LlmTestKit.AssertValid(predictions[0], FreeText);
        Assert.Empty(predictions[1].Result);
        var properties = kit.Fake.ChatRequests.First().Body["response_format"]!["json_schema"]!["schema"]!["properties"]!;
        Assert.Equal("integer", (string?)properties["quality"]!["type"]);
        Assert.Equal("number", (string?)properties["year"]!["type"]);
        Assert.Contains("1 to 5", (string?)properties["quality"]!["description"]);
    }

    [Fact]
    public async Task Task_fields_are_substituted_and_images_go_as_image_content()
    {
        const string config = """
            <View>
              <Image name="image" value="$image"/>
              <Text name="caption" value="$caption"/>
              <Choices name="kind" toName="image"><Choice value="Photo"/><Choice value="Drawing"/></Choices>
            </View>
            """;
        const string png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        await using var kit = await LlmTestKit.StartAsync(s => s.DefaultPrompt = "Is this a {kind_hint} or not? Caption: {caption}. Labels: {labels}. Keep {unknown}.");
        kit.Fake.Responder = _ => FakeChatReply.Json(new { kind = "Drawing" });

        var prediction = Assert.Single(await kit.PredictAsync(config, [new { image = png, caption = "a cat", kind_hint = "sketch" }]));

        Assert.Equal(["Drawing"], Assert.Single(prediction.Result).Value!.Choices);
        var user = kit.Fake.ChatRequests.Single().Messages.Single(m => (string?)m!["role"] == "user")!["content"]!.AsArray();
        Assert.Equal("Is this a sketch or not? Caption: a cat. Labels: Photo, Drawing. Keep {unknown}.", (string?)user[0]!["text"]);
        Assert.Equal("image_url", (string?)user[1]!["type"]);
        Assert.Equal(png, (string?)user[1]!["image_url"]!["url"]);
    }

    [Fact]
    public async Task Json_mode_puts_the_schema_in_the_instructions_and_reads_a_fenced_answer()
    {
        await using var kit = await LlmTestKit.StartAsync(s => s.ResponseFormat = "json_object");
        kit.Fake.Responder = _ => FakeChatReply.Content("Sure!\n```json\n{\"sentiment\": \"Negative\"}\n```");

        var prediction = Assert.Single(await kit.PredictAsync(Classification, [new { text = "Terrible service" }]));

        Assert.Equal(["Negative"], prediction.Result.Single(r => r.Type == "choices").Value!.Choices);
        var request = kit.Fake.ChatRequests.Single();
        Assert.Equal("json_object", request.ResponseFormatType);
        Assert.Contains("\"enum\":[\"Positive\",\"Negative\",\"Neutral\"]", request.TextOf("system"));
    }

    [Fact]
    public async Task A_batch_answer_that_is_not_json_leaves_that_task_empty_and_the_others_labelled()
    {
        await using var kit = await LlmTestKit.StartAsync();
        kit.Fake.Responder = r => r.TextOf("user").Contains("broken") ? FakeChatReply.Content("I cannot help with that.") : FakeChatReply.Json(new { sentiment = "Neutral" });

        var predictions = await kit.PredictAsync(Classification, [new { text = "broken" }, new { text = "fine" }]);

        Assert.DoesNotContain(predictions[0].Result, r => r.Type == "choices");
        Assert.Equal(["Neutral"], predictions[1].Result.Single(r => r.Type == "choices").Value!.Choices);
        Assert.Contains(kit.Logger.Lines, l => l.Contains("no JSON object"));
    }

    [Fact]
    public async Task A_config_without_anything_to_fill_in_is_a_label_config_error()
    {
        await using var kit = await LlmTestKit.StartAsync();
        var error = await Assert.ThrowsAsync<LabelConfigException>(() => kit.PredictAsync(
            """<View><Image name="img" value="$image"/><RectangleLabels name="box" toName="img"><Label value="Car"/></RectangleLabels></View>""",
            [new { image = "x" }]));
        Assert.Contains("Choices, Labels on Text, TextArea, Rating or Number", error.Message);
        Assert.Empty(kit.Fake.ChatRequests);
    }
}
