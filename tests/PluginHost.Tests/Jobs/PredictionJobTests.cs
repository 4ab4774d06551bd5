using System.Text.Json.Nodes;
using PluginHost.Tests.Shared;

namespace PluginHost.Tests.Jobs;

/// <summary>Prediction jobs end to end: a real host (textclassifier) pre-annotating a fake Label Studio's project.</summary>
public sealed class PredictionJobTests
{
    [Fact]
    public async Task TenThousandTasksGetExactlyOneValidatedPredictionEach()
    {
        const int tasks = 10_000;
        await using var fake = await JobKit.StartLabelStudioAsync(tasks);
        await using var host = await JobKit.StartHostAsync(fake);

        var id = await host.StartJobAsync($$"""{"project":"{{JobKit.Project}}","all":true,"batch_size":200}""");
        var job = await host.WaitForPredictionJobAsync(id);

        Assert.True(job["state"]!.GetValue<string>() == "succeeded", job.ToJsonString());
        Assert.Equal(tasks, job.Int("total"));
        Assert.Equal(tasks, job.Int("done"));
        Assert.Equal(0, job.Int("failed") + job.Int("skipped") + job.Int("pending"));
        JobKit.AssertExactlyOnePredictionEach(fake, tasks, JobKit.ModelVersionOf(job));
        // 50 pages of 200 and 50 bulk imports: no per-task calls.
        Assert.Equal(50, fake.ImportRequests);
        Assert.DoesNotContain(fake.RequestLines, l => l.StartsWith("GET /api/tasks/1/", StringComparison.Ordinal));

        // /health lists the job; a second job over the same project finds every task done and posts nothing.
        var (_, health) = await host.GetAsync("health");
        Assert.Contains(health["jobs"]!.AsArray(), j => j!["id"]!.GetValue<string>() == id);
        var again = await host.WaitForPredictionJobAsync(await host.StartJobAsync($$"""{"project":"{{JobKit.Project}}","skip_existing":false}"""));
        Assert.Equal(tasks, again.Int("skipped"));
        Assert.Equal(50, fake.ImportRequests);
    }

    [Fact]
    public async Task RandomThrottlingAndServerErrorsStillGiveEachTaskOnePrediction()
    {
        const int tasks = 2_000;
        await using var fake = await JobKit.StartLabelStudioAsync(tasks);
        fake.FaultRate = 0.15;
        // The first import's answer is lost after Label Studio stored it: the retry must not store it again.
        fake.LoseNextImportAnswers = 1;
        await using var host = await JobKit.StartHostAsync(fake, null, ("PluginHost:Jobs:MaxRetries", "12"));

        var job = await host.WaitForPredictionJobAsync(await host.StartJobAsync($$"""{"project":"{{JobKit.Project}}","batch_size":50,"concurrency":4}"""));

        Assert.True(job["state"]!.GetValue<string>() == "succeeded", job.ToJsonString());
        Assert.True(fake.FaultsServed > 10, $"only {fake.FaultsServed} faults");
        Assert.Equal(tasks, job.Int("done"));
        JobKit.AssertExactlyOnePredictionEach(fake, tasks, JobKit.ModelVersionOf(job));
    }

    [Fact]
    public async Task RetryAfterIsHonoured()
    {
        await using var fake = await JobKit.StartLabelStudioAsync(20);
        fake.ThrottleNextImports = 1;
        fake.RetryAfterSeconds = 1;
        await using var host = await JobKit.StartHostAsync(fake);

        var job = await host.WaitForPredictionJobAsync(await host.StartJobAsync($$"""{"project":"{{JobKit.Project}}"}"""));

        Assert.Equal("succeeded", job["state"]!.GetValue<string>());
        var imports = fake.RequestsTo($"/api/projects/{JobKit.Project}/import/").Select(r => r.At).ToList();
        Assert.Equal(2, imports.Count);
        Assert.True(imports[1] - imports[0] >= TimeSpan.FromSeconds(0.9), $"retried after {(imports[1] - imports[0]).TotalMilliseconds} ms");
        JobKit.AssertExactlyOnePredictionEach(fake, 20, JobKit.ModelVersionOf(job));
    }

    [Fact]
    public async Task ABadTokenFailsTheJobWithTheReason()
    {
        await using var fake = await JobKit.StartLabelStudioAsync(10);
        await using var host = await JobKit.StartHostAsync(fake, apiKey: "not-the-token");

        var job = await host.WaitForPredictionJobAsync(await host.StartJobAsync($$"""{"project":"{{JobKit.Project}}"}"""));

        Assert.Equal("failed", job["state"]!.GetValue<string>());
        var error = job["error"]!.GetValue<string>();
        Assert.Contains("HTTP 401", error);
        Assert.Contains("API key", error);
        Assert.Equal(0, fake.ImportRequests);
    }

    [Fact]
    public async Task ATaskWhoseDataCannotBeFetchedFailsAloneAndTheJobGoesOn()
    {
        const string config = """<View><Image name="image" value="$image"/><Text name="text" value="$text"/><Choices name="label" toName="text"><Choice value="Ham"/><Choice value="Spam"/></Choices></View>""";
        await using var fake = await JobKit.StartLabelStudioAsync(30, config, id => new { text = JobKit.TextOf(id), image = $"/data/upload/{JobKit.Project}/{id}.png" });
        fake.StorageProxy = false;
        foreach (var id in Enumerable.Range(1, 30).Where(i => i != 7)) fake.Files[$"/data/upload/{JobKit.Project}/{id}.png"] = [0x89, 0x50, 0x4e, 0x47];
        await using var host = await JobKit.StartHostAsync(fake);

        var job = await host.WaitForPredictionJobAsync(await host.StartJobAsync($$"""{"project":"{{JobKit.Project}}","batch_size":8}"""));

        Assert.True(job["state"]!.GetValue<string>() == "succeeded", job.ToJsonString());
        Assert.Equal(29, job.Int("done"));
        Assert.Equal(1, job.Int("failed"));
        var failure = job["failures"]!.AsArray().Single()!;
        Assert.Equal(7, failure["task"]!.GetValue<long>());
        Assert.Contains("cannot be fetched", failure["reason"]!.GetValue<string>());
        Assert.Empty(fake.PredictionsOf(7));
        Assert.All(Enumerable.Range(1, 30).Where(i => i != 7), i => Assert.Single(fake.PredictionsOf(i)));
    }

    [Fact]
    public async Task SkipExistingAndTheModelVersionRuleDecideWhichTasksArePredicted()
    {
        await using var fake = await JobKit.StartLabelStudioAsync(6);
        await using var host = await JobKit.StartHostAsync(fake);
        var version = (await host.PostAsync("textclassifier/setup", $$"""{"project":"{{JobKit.Project}}.1","schema":{{System.Text.Json.JsonSerializer.Serialize(JobKit.LabelConfig)}}}""")).Body["model_version"]!.GetValue<string>();
        // Task 1 has a prediction of another version, task 2 one of the version the job predicts with.
        fake.Tasks[1].Add(JobKit.Element(JsonNode.Parse("""{"task":1,"result":[],"model_version":"older"}""")!));
        fake.Tasks[2].Add(JobKit.Element(JsonNode.Parse($$"""{"task":2,"result":[],"model_version":"{{version}}"}""")!));

        var first = await host.WaitForPredictionJobAsync(await host.StartJobAsync($$"""{"project":"{{JobKit.Project}}","tasks":[1,2,3,4]}"""));
        Assert.Equal((2, 2), (first.Int("done"), first.Int("skipped")));
        var second = await host.WaitForPredictionJobAsync(await host.StartJobAsync($$"""{"project":"{{JobKit.Project}}","tasks":[1,2,3,4,5],"skip_existing":false}"""));
        Assert.Equal((2, 3), (second.Int("done"), second.Int("skipped")));
        Assert.Equal(2, fake.PredictionsOf(1).Count);
        Assert.Single(fake.PredictionsOf(2));
        Assert.Single(fake.PredictionsOf(5));
        Assert.Empty(fake.PredictionsOf(6));
    }

    [Fact]
    public async Task EventsStreamProgressAndCancelStopsAJob()
    {
        await using var fake = await JobKit.StartLabelStudioAsync(400);
        fake.Delay = TimeSpan.FromMilliseconds(40);
        await using var host = await JobKit.StartHostAsync(fake);
        var id = await host.StartJobAsync($$"""{"project":"{{JobKit.Project}}","batch_size":10,"concurrency":1}""");

        using var response = await host.Client.GetAsync($"textclassifier/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var progress = new List<JsonNode>();
        while (progress.Count < 3 || progress[^1]["done"]!.GetValue<int>() == 0)
        {
            var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            if (line?.StartsWith("data: ", StringComparison.Ordinal) == true) progress.Add(JsonNode.Parse(line["data: ".Length..])!);
        }
        Assert.All(progress, p => Assert.Equal(id, p["id"]!.GetValue<string>()));

        using var cancel = await host.Client.DeleteAsync($"textclassifier/jobs/{id}");
        Assert.True(cancel.IsSuccessStatusCode);
        string? last = null;
        while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            if (line == "event: end") last = line;
            if (last is not null && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.Equal("cancelled", JsonNode.Parse(line["data: ".Length..])!["state"]!.GetValue<string>());
                break;
            }
        }
        Assert.Equal("event: end", last);
        var job = await host.WaitForPredictionJobAsync(id);
        Assert.True(job.Int("done") < 400);
        // Every task posted before the cancel has one prediction; none got two.
        Assert.All(Enumerable.Range(1, 400), i => Assert.True(fake.PredictionsOf(i).Count <= 1));
    }

    [Fact]
    public async Task BadRequestsAnswerClearJsonErrors()
    {
        await using var fake = await JobKit.StartLabelStudioAsync(1);
        await using var host = await JobKit.StartHostAsync(fake);

        var (status, body) = await host.PostAsync("textclassifier/jobs/predict", """{"all":true}""");
        Assert.Equal(400, status);
        Assert.Contains("'project'", body["detail"]!.GetValue<string>());
        (status, body) = await host.PostAsync("textclassifier/jobs/predict", """{"project":"7","view":3,"tasks":[1]}""");
        Assert.Equal(400, status);
        (status, _) = await host.PostAsync("nope/jobs/predict", """{"project":"7"}""");
        Assert.Equal(404, status);
        (status, _) = await host.GetAsync("textclassifier/jobs/pj-000000000000");
        Assert.Equal(404, status);
    }
}
