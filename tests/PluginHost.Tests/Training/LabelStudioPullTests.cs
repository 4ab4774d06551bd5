using PluginHost.Tests.Shared;
using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Tests.Training;

/// <summary>Jobs that pull every annotated task from (a fake) Label Studio's API instead of relying on webhooks.</summary>
public sealed class LabelStudioPullTests
{
    [Fact]
    public async Task A_job_pulls_annotated_tasks_and_the_label_config_with_the_configured_legacy_token()
    {
        await using var labelStudio = await FakeLabelStudio.StartAsync();
        var cancelled = ExportedTask(99, "love love great excellent", ["Negative"], 9999, cancelled: true);
        labelStudio.Exports["6"] = Export(Sentiment).TrimEnd(']') + "," + cancelled + "]";
        labelStudio.LabelConfigs["6"] = SentimentConfig;
        await using var host = await TrainingHost.StartAsync(settings:
        [
            ("PluginHost:LabelStudioUrl", labelStudio.BaseAddress.ToString()),
            ("PluginHost:LabelStudioApiKey", labelStudio.LegacyToken),
            ("Backends:textclassifier:Training:DataSource", "LabelStudio"),
        ]);

        // No /setup, no annotation webhooks: START_TRAINING alone.
        var (status, answer) = await host.PostAsync("textclassifier/webhook", """{"action":"START_TRAINING","project":{"id":6}}""");
        Assert.Equal(201, status);
        var job = await host.WaitForJobAsync("textclassifier", answer["job"]!.GetValue<string>());
        Assert.True(job["state"]!.GetValue<string>() == "succeeded", job.ToJsonString());
        Assert.Equal(Sentiment.Length, job["examples"]!.GetValue<int>()); // the cancelled one is ignored
        Assert.Contains("GET /api/projects/6/export?exportType=JSON&download_all_tasks=false", labelStudio.RequestLines);
        Assert.Contains("GET /api/projects/6", labelStudio.RequestLines);

        var (_, predicted) = await host.PostAsync("textclassifier/predict", Predict(["love it, excellent", "terrible and awful"]));
        Assert.Equal(["Positive", "Negative"], TrainingHost.Results(predicted).Select(TrainingHost.FirstChoice));
    }

    [Fact]
    public async Task A_personal_access_token_from_setup_is_exchanged_and_refreshed_when_rejected()
    {
        await using var labelStudio = await FakeLabelStudio.StartAsync();
        labelStudio.Exports["6"] = Export(Sentiment.Take(4));
        await using var host = await TrainingHost.StartAsync(slowTrainer: true);
        await host.PostAsync("slowtrainer/setup", Setup(SentimentConfig, hostname: labelStudio.BaseAddress.ToString().TrimEnd('/'), token: labelStudio.PersonalAccessToken));

        var first = await host.WaitForJobAsync("slowtrainer", (await host.PostAsync("slowtrainer/webhook", StartTraining())).Body["job"]!.GetValue<string>());
        Assert.Equal(4, first["examples"]!.GetValue<int>());
        Assert.Equal(1, labelStudio.Refreshes);

        // The access token expires: the next pull gets 401, exchanges the PAT again and succeeds.
        labelStudio.Exports["6"] = Export(Sentiment.Take(6));
        labelStudio.RevokeAccessTokens();
        var second = await host.WaitForJobAsync("slowtrainer", (await host.PostAsync("slowtrainer/webhook", StartTraining())).Body["job"]!.GetValue<string>());
        Assert.True(second["state"]!.GetValue<string>() == "succeeded", second.ToJsonString());
        Assert.Equal(6, second["examples"]!.GetValue<int>());
        Assert.Equal(2, labelStudio.Refreshes);
    }

    [Fact]
    public async Task An_unreachable_Label_Studio_falls_back_to_stored_annotations_unless_pulling_is_required()
    {
        await using var labelStudio = await FakeLabelStudio.StartAsync();
        await using var host = await TrainingHost.StartAsync(slowTrainer: true);
        // /setup names a Label Studio that refuses the token: Auto falls back to what webhooks stored.
        await host.PostAsync("slowtrainer/setup", Setup(SentimentConfig, hostname: labelStudio.BaseAddress.ToString(), token: "wrong-token"));
        for (var i = 0; i < 2; i++)
            await host.PostAsync("slowtrainer/webhook", AnnotationCreated(100 + i, 10 + i, Sentiment[i].Text, [Sentiment[i].Label]));
        var auto = await host.WaitForJobAsync("slowtrainer", (await host.PostAsync("slowtrainer/webhook", StartTraining())).Body["job"]!.GetValue<string>());
        Assert.Equal("succeeded", auto["state"]!.GetValue<string>());
        Assert.Equal(2, auto["examples"]!.GetValue<int>());
        Assert.Contains(labelStudio.RequestLines, r => r.StartsWith("GET /api/projects/6/export", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Required_pulling_fails_the_job_with_Label_Studio_s_answer()
    {
        await using var labelStudio = await FakeLabelStudio.StartAsync();
        await using var host = await TrainingHost.StartAsync(slowTrainer: true, settings: ("Backends:slowtrainer:Training:DataSource", "LabelStudio"));
        await host.PostAsync("slowtrainer/setup", Setup(SentimentConfig, hostname: labelStudio.BaseAddress.ToString(), token: "wrong-token"));
        var job = await host.WaitForJobAsync("slowtrainer", (await host.PostAsync("slowtrainer/webhook", StartTraining())).Body["job"]!.GetValue<string>());
        Assert.Equal("failed", job["state"]!.GetValue<string>());
        Assert.Contains("HTTP 401", job["error"]!.GetValue<string>());
    }
}
