using System.Text.Json;
using System.Text.Json.Nodes;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Tests.Shared;
using PluginHost.Tests.Training;

namespace PluginHost.Tests.Jobs;

/// <summary>A fake Label Studio with a text project, a host serving the textclassifier connected to it, and helpers to
/// run prediction jobs over HTTP and check what Label Studio received.</summary>
public static class JobKit
{
    public const string Project = "7";

    public const string LabelConfig = """<View><Text name="text" value="$text"/><Choices name="label" toName="text"><Choice value="Ham"/><Choice value="Spam"/></Choices></View>""";

    public static string TextOf(long id) => id % 3 == 0 ? $"Spam offer number {id}: buy now" : $"Ham: lunch at noon, message {id}";

    public static async Task<FakeLabelStudio> StartLabelStudioAsync(int tasks, string labelConfig = LabelConfig, Func<long, object>? data = null)
    {
        var fake = await FakeLabelStudio.StartAsync();
        fake.LabelConfigs[Project] = labelConfig;
        fake.AddTasks(Project, 1, tasks, data ?? (id => new { text = TextOf(id) }));
        return fake;
    }

    /// <summary>Settings that connect a host to <paramref name="fake"/> (as LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY do).</summary>
    public static (string, string?)[] Connection(FakeLabelStudio fake, string? apiKey = null) =>
    [
        ("PluginHost:LabelStudioUrl", fake.Url),
        ("PluginHost:LabelStudioApiKey", apiKey ?? fake.LegacyToken),
        // Tests do not wait for backoff: the delays are covered by RetryAfterIsHonoured.
        ("PluginHost:Jobs:RetryDelaySeconds", "0.01"),
    ];

    public static Task<RunningHost> StartHostAsync(FakeLabelStudio fake, string? apiKey = null, params (string, string?)[] settings) =>
        TrainingHost.StartAsync(settings: [.. Connection(fake, apiKey), .. settings]);

    /// <summary>Starts a job and returns its id (asserting 202 and the answer's shape).</summary>
    public static async Task<string> StartJobAsync(this RunningHost host, string body, string backend = "textclassifier")
    {
        var (status, answer) = await host.PostAsync($"{backend}/jobs/predict", body);
        Assert.True(status == 202, answer.ToJsonString());
        var id = answer["job"]!.GetValue<string>();
        Assert.StartsWith("pj-", id);
        return id;
    }

    /// <summary>Polls the job until it ended (or <paramref name="until"/> holds); returns its last state.</summary>
    public static async Task<JsonNode> WaitForPredictionJobAsync(this RunningHost host, string id, Func<JsonNode, bool>? until = null,
        string backend = "textclassifier", TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var (status, body) = await host.GetAsync($"{backend}/jobs/{id}");
            Assert.Equal(200, status);
            if (until?.Invoke(body) ?? body["state"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled") return body;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Job {id}: {body.ToJsonString()}");
            await Task.Delay(25);
        }
    }

    /// <summary>Every task of the project has exactly one prediction, of <paramref name="modelVersion"/>, that Label
    /// Studio's validation accepts.</summary>
    public static void AssertExactlyOnePredictionEach(FakeLabelStudio fake, int tasks, string modelVersion, string labelConfig = LabelConfig)
    {
        var config = PluginHost.Sdk.LabelConfigs.LabelConfig.Parse(labelConfig);
        var counts = Enumerable.Range(1, tasks).Select(id => (Id: (long)id, Predictions: fake.PredictionsOf(id))).ToList();
        var wrong = counts.Where(c => c.Predictions.Count != 1).Take(5).Select(c => $"task {c.Id}: {c.Predictions.Count}").ToList();
        Assert.True(wrong.Count == 0, "Tasks without exactly one prediction: " + string.Join(", ", wrong));
        foreach (var (id, predictions) in counts.Where(c => c.Id % 97 == 1))
        {
            var prediction = predictions[0];
            Assert.Equal(modelVersion, prediction.GetProperty("model_version").GetString());
            Assert.Empty(PredictionValidator.Validate(prediction, config));
        }
    }

    public static string ModelVersionOf(JsonNode job) => job["model_versions"]!.AsArray().Single()!.GetValue<string>();

    public static int Int(this JsonNode job, string name) => job[name]!.GetValue<int>();

    public static JsonElement Element(JsonNode node) => JsonSerializer.Deserialize<JsonElement>(node.ToJsonString());
}
