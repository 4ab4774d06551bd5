using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Tests.Training;

/// <summary>Jobs: coalescing, cancellation, failures, retention and recovery after a crash, with a trainer whose duration tests control.</summary>
public sealed class TrainingJobTests
{
    private const string Backend = "slowtrainer";

    private static async Task<RunningHost> StartAsync(string? modelDir = null, params (string, string?)[] settings)
    {
        var host = await TrainingHost.StartAsync(modelDir, slowTrainer: true, settings);
        return host;
    }

    private static async Task SetDelayAsync(RunningHost host, int milliseconds, bool failPredict = false) =>
        Assert.Equal(200, (await host.PostAsync($"{Backend}/setup", Setup(SentimentConfig, extraParams: $$"""{"train_delay_ms":{{milliseconds}},"fail_predict":{{(failPredict ? "true" : "false")}}}"""))).Status);

    private static async Task AnnotateAsync(RunningHost host, int count = 3)
    {
        for (var i = 0; i < count; i++)
            Assert.Equal(201, (await host.PostAsync($"{Backend}/webhook", AnnotationCreated(100 + i, 10 + i, Sentiment[i].Text, [Sentiment[i].Label]))).Status);
    }

    private static async Task<string> StartTrainingAsync(RunningHost host)
    {
        var (status, body) = await host.PostAsync($"{Backend}/webhook", StartTraining());
        Assert.Equal(201, status);
        return body["job"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_burst_of_events_while_a_job_runs_coalesces_into_one_follow_up_job()
    {
        await using var host = await StartAsync(null, ("Backends:slowtrainer:Training:DataSource", "Store"));
        await SetDelayAsync(host, 700);
        await AnnotateAsync(host);
        var first = await StartTrainingAsync(host);
        await host.WaitForStateAsync(Backend, first, "running");

        var followUps = new List<string>();
        for (var i = 0; i < 5; i++) followUps.Add(await StartTrainingAsync(host));
        Assert.Single(followUps.Distinct());
        Assert.NotEqual(first, followUps[0]);

        var firstDone = await host.WaitForJobAsync(Backend, first);
        var secondDone = await host.WaitForJobAsync(Backend, followUps[0]);
        Assert.Equal("slowtrainer-v1", firstDone["model_version"]!.GetValue<string>());
        Assert.Equal("slowtrainer-v2", secondDone["model_version"]!.GetValue<string>());
        Assert.Equal(4, secondDone["coalesced_events"]!.GetValue<int>());
        // The follow-up started only after the first finished: one job at a time per backend and project.
        Assert.True(DateTimeOffset.Parse(secondDone["started_at"]!.GetValue<string>()) >= DateTimeOffset.Parse(firstDone["finished_at"]!.GetValue<string>()));
        var (_, versions) = await host.GetAsync($"{Backend}/versions");
        Assert.Equal(2, versions["versions"]!.AsArray().Count);
    }

    [Fact]
    public async Task Running_and_waiting_jobs_can_be_cancelled_and_leave_no_version_behind()
    {
        await using var host = await StartAsync(null, ("Backends:slowtrainer:Training:DataSource", "Store"));
        await SetDelayAsync(host, 30_000);
        await AnnotateAsync(host);
        var running = await StartTrainingAsync(host);
        await host.WaitForStateAsync(Backend, running, "running");
        var waiting = await StartTrainingAsync(host);

        using (var response = await host.Client.DeleteAsync($"{Backend}/jobs/{waiting}"))
        {
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("cancelled", (await RunningHost.ReadJsonAsync(response))["state"]!.GetValue<string>());
        }
        using (var response = await host.Client.DeleteAsync($"{Backend}/jobs/{running}"))
            Assert.Equal(202, (int)response.StatusCode);
        var cancelled = await host.WaitForJobAsync(Backend, running, TimeSpan.FromSeconds(10));
        Assert.Equal("cancelled", cancelled["state"]!.GetValue<string>());

        var projectDir = Path.Combine(host.ModelDir, Backend, "6");
        Assert.Empty(Directory.EnumerateDirectories(projectDir));
        var (_, versions) = await host.GetAsync($"{Backend}/versions");
        Assert.Equal(["slowtrainer-1.0.0"], versions["versions"]!.AsArray().Select(v => v!.GetValue<string>()));

        var (missing, error) = await host.GetAsync($"{Backend}/jobs/does-not-exist");
        Assert.Equal(404, missing);
        Assert.Contains("does-not-exist", error["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_version_that_fails_its_warm_up_is_never_activated()
    {
        await using var host = await StartAsync(null, ("Backends:slowtrainer:Training:DataSource", "Store"));
        await SetDelayAsync(host, 0);
        await AnnotateAsync(host);
        var good = await host.WaitForJobAsync(Backend, await StartTrainingAsync(host));
        Assert.Equal("slowtrainer-v1", good["model_version"]!.GetValue<string>());

        await SetDelayAsync(host, 0, failPredict: true);
        var bad = await host.WaitForJobAsync(Backend, await StartTrainingAsync(host));
        Assert.Equal("failed", bad["state"]!.GetValue<string>());
        Assert.Contains("warm-up", bad["error"]!.GetValue<string>());
        var (_, versions) = await host.GetAsync($"{Backend}/versions");
        Assert.Equal(["slowtrainer-v1"], versions["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("slowtrainer-v1", versions["active"]!.GetValue<string>());
    }

    [Fact]
    public async Task Retention_keeps_the_newest_versions_and_never_the_active_one_is_pruned()
    {
        await using var host = await StartAsync(null, ("Backends:slowtrainer:Training:DataSource", "Store"), ("Backends:slowtrainer:Training:KeepVersions", "2"));
        await SetDelayAsync(host, 0);
        await AnnotateAsync(host);
        for (var i = 0; i < 4; i++) await host.WaitForJobAsync(Backend, await StartTrainingAsync(host));
        var (_, versions) = await host.GetAsync($"{Backend}/versions");
        Assert.Equal(["slowtrainer-v3", "slowtrainer-v4"], versions["versions"]!.AsArray().Select(v => v!.GetValue<string>()));

        // Roll back to v3, train v5: v4 (not active) goes, v3 (active until v5 took over) is the oldest kept.
        Assert.Equal(200, (await host.PostAsync($"{Backend}/versions/v3/activate", "")).Status);
        await host.WaitForJobAsync(Backend, await StartTrainingAsync(host));
        (_, versions) = await host.GetAsync($"{Backend}/versions");
        Assert.Equal(["slowtrainer-v4", "slowtrainer-v5"], versions["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.False(Directory.Exists(Path.Combine(host.ModelDir, Backend, "6", "v3")));
        var (missing, _) = await host.PostAsync($"{Backend}/versions/v1/activate", "");
        Assert.Equal(404, missing);
    }

    [Fact]
    public async Task Every_n_annotations_starts_a_job_and_deletions_leave_the_store()
    {
        await using var host = await StartAsync(null, ("Backends:slowtrainer:Training:DataSource", "Store"), ("Backends:slowtrainer:Training:EveryNAnnotations", "3"));
        await SetDelayAsync(host, 0);
        string? job = null;
        for (var i = 0; i < 3; i++)
        {
            var (status, body) = await host.PostAsync($"{Backend}/webhook", AnnotationCreated(100 + i, 10 + i, Sentiment[i].Text, [Sentiment[i].Label]));
            Assert.Equal(201, status);
            job = body["job"]?.GetValue<string>();
            if (i < 2) Assert.Null(job);
        }
        Assert.NotNull(job);
        var done = await host.WaitForJobAsync(Backend, job);
        Assert.Equal("ANNOTATION_CREATED", done["trigger"]!.GetValue<string>());
        Assert.Equal(3, done["examples"]!.GetValue<int>());

        var store = host.Get<PluginHost.Training.IAnnotationStore>();
        Assert.Equal(3, await store.CountAnnotationsAsync("6", CancellationToken.None));
        var (deleted, _) = await host.PostAsync($"{Backend}/webhook", AnnotationsDeleted(100, 101));
        Assert.Equal(200, deleted);
        Assert.Equal(1, await store.CountAnnotationsAsync("6", CancellationToken.None));

        // PROJECT_UPDATED is not "Start Training" unless opted in.
        var (projectUpdated, answer) = await host.PostAsync($"{Backend}/webhook", $$"""{"action":"PROJECT_UPDATED","project":{{Project(SentimentConfig)}}}""");
        Assert.Equal(200, projectUpdated);
        Assert.Null(answer["job"]);
    }

    [Fact]
    public async Task A_host_killed_mid_training_restarts_with_the_last_good_version()
    {
        await using var host = await StartAsync(null, ("Backends:slowtrainer:Training:DataSource", "Store"));
        await SetDelayAsync(host, 0);
        await AnnotateAsync(host);
        await host.WaitForJobAsync(Backend, await StartTrainingAsync(host));
        await SetDelayAsync(host, 60_000);
        var interrupted = await StartTrainingAsync(host);
        await host.WaitForStateAsync(Backend, interrupted, "running");
        var projectDir = Path.Combine(host.ModelDir, Backend, "6");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Directory.GetDirectories(projectDir, ".staging-*").Any(d => File.Exists(Path.Combine(d, "partial.bin"))) && DateTime.UtcNow < deadline)
            await Task.Delay(10);

        // What a kill leaves on disk: copy MODEL_DIR now, while the job writes its staging folder.
        var crashed = TempDirs.Create("crashed-models");
        PluginFolders.CopyFolder(host.ModelDir, crashed);
        var staging = Directory.GetDirectories(Path.Combine(crashed, Backend, "6"), ".staging-*");
        Assert.Single(staging);
        Assert.True(File.Exists(Path.Combine(staging[0], "partial.bin")));

        await using var restarted = await StartAsync(crashed, ("Backends:slowtrainer:Training:DataSource", "Store"));
        Assert.Empty(Directory.GetDirectories(Path.Combine(crashed, Backend, "6"), ".staging-*"));
        var (_, job) = await restarted.GetAsync($"{Backend}/jobs/{interrupted}");
        Assert.Equal("failed", job["state"]!.GetValue<string>());
        Assert.Contains("Interrupted", job["error"]!.GetValue<string>());
        var (_, predicted) = await restarted.PostAsync($"{Backend}/predict", Predict(["anything"]));
        Assert.Equal("slowtrainer-v1", TrainingHost.Results(predicted).Single()["model_version"]!.GetValue<string>());
        // And it trains again: the next version number follows the last good one.
        await SetDelayAsync(restarted, 0);
        var next = await restarted.WaitForJobAsync(Backend, await StartTrainingAsync(restarted));
        Assert.Equal("slowtrainer-v2", next["model_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unusable_model_directory_fails_training_requests_clearly_but_predictions_still_work()
    {
        // A file where MODEL_DIR should be: nothing can be created under it (root ignores permissions, so no chmod).
        var notADirectory = Path.Combine(TempDirs.Create("broken"), "models");
        await File.WriteAllTextAsync(notADirectory, "not a folder");
        await using var host = await StartAsync(notADirectory, ("Backends:slowtrainer:Training:DataSource", "Store"));

        var (predictStatus, predicted) = await host.PostAsync($"{Backend}/predict", Predict(["still answers"]));
        Assert.Equal(200, predictStatus);
        Assert.Equal("slowtrainer-1.0.0", TrainingHost.Results(predicted).Single()["model_version"]!.GetValue<string>());
        var (status, error) = await host.PostAsync($"{Backend}/webhook", AnnotationCreated(1, 1, "text", ["Positive"]));
        Assert.Equal(500, status);
        Assert.Contains("annotation store", error["detail"]!.GetValue<string>());
    }

    [Fact]
    public void Training_threads_run_at_a_lower_priority()
    {
        // Relative to the caller: the test run itself may be niced (nice dotnet test).
        var callerNice = PluginHost.Training.LowPriorityThread.CurrentNice() ?? 0;
        int? nice = null;
        var thread = PluginHost.Training.LowPriorityThread.Start("test-training", 7, () => nice = PluginHost.Training.LowPriorityThread.CurrentNice(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        thread.Join();
        if (OperatingSystem.IsLinux()) Assert.Equal(Math.Max(7, callerNice), nice);
        Assert.Equal(callerNice, PluginHost.Training.LowPriorityThread.CurrentNice() ?? 0);
    }
}
