using PluginHost.Tests.Shared;

namespace PluginHost.Llm.Tests;

/// <summary>The annotator edits the prompt TextArea and asks for a suggestion (Label Studio's interactive predict).</summary>
public sealed class InteractiveTests
{
    /// <summary>What Label Studio sends as <c>params.context</c> after Shift+Enter in the prompt TextArea.</summary>
    private static string PromptContext(params string[] lines) =>
        "{\"annotation_id\":null,\"draft_id\":0,\"user_id\":1,\"result\":[{\"id\":\"p1\",\"from_name\":\"prompt\",\"to_name\":\"text\","
        + "\"type\":\"textarea\",\"origin\":\"manual\",\"value\":{\"text\":" + System.Text.Json.JsonSerializer.Serialize(lines) + "}}]}";

    [Fact]
    public async Task The_edited_prompt_answers_the_task_is_stored_and_then_used_for_batch_predictions()
    {
        await using var kit = await LlmTestKit.StartAsync(s => s.DefaultPrompt = "Default directive for {text}");
        kit.Fake.Responder = r => r.TextOf("user").Contains("sarcasm") ? FakeChatReply.Json(new { sentiment = "Negative" }) : FakeChatReply.Json(new { sentiment = "Neutral" });

        var batchBefore = Assert.Single(await kit.PredictAsync(MappingTests.Classification, [new { text = "Oh great, rain again" }]));
        var interactive = Assert.Single(await kit.PredictAsync(MappingTests.Classification, [new { text = "Oh great, rain again" }],
            PromptContext("Watch for sarcasm.", "Text: {text}")));
        var batchAfter = Assert.Single(await kit.PredictAsync(MappingTests.Classification, [new { text = "Oh great, snow too" }]));

        Assert.Equal(["Neutral"], batchBefore.Result.Single(r => r.Type == "choices").Value!.Choices);
        Assert.Equal(["Default directive for {text}"], batchBefore.Result.Single(r => r.FromName == "prompt").Value!.TextLines);
        Assert.Equal(["Negative"], interactive.Result.Single(r => r.Type == "choices").Value!.Choices);
        // The answer carries the prompt it used (as the Python example), so the annotator sees it in the TextArea.
        Assert.Equal(["Watch for sarcasm.", "Text: {text}"], interactive.Result.Single(r => r.FromName == "prompt").Value!.TextLines);
        LlmTestKit.AssertValid(interactive, MappingTests.Classification);
        Assert.Equal(["Negative"], batchAfter.Result.Single(r => r.Type == "choices").Value!.Choices);

        var requests = kit.Fake.ChatRequests.ToList();
        Assert.Equal("Default directive for Oh great, rain again", requests[0].TextOf("user"));
        Assert.Equal("Watch for sarcasm.\nText: Oh great, rain again", requests[1].TextOf("user"));
        Assert.Equal("Watch for sarcasm.\nText: Oh great, snow too", requests[2].TextOf("user"));
        Assert.Equal("Watch for sarcasm.\nText: {text}", kit.State.Get("llm.prompt.prompt"));
    }

    [Fact]
    public async Task The_same_prompt_again_writes_no_state_and_a_context_without_the_prompt_answers_nothing()
    {
        await using var kit = await LlmTestKit.StartAsync();
        kit.Fake.Responder = _ => FakeChatReply.Json(new { sentiment = "Positive" });

        await kit.PredictAsync(MappingTests.Classification, [new { text = "Nice" }], PromptContext("Classify."));
        await kit.PredictAsync(MappingTests.Classification, [new { text = "Nice" }], PromptContext("Classify."));
        var withoutPrompt = await kit.PredictAsync(MappingTests.Classification, [new { text = "Nice" }], """
            {"result":[{"id":"c1","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["Positive"]}}]}
            """);

        Assert.Equal(1, kit.State.Writes);
        Assert.Empty(withoutPrompt);
        Assert.Equal(2, kit.Fake.ChatRequests.Count);
    }
}
