using System.Diagnostics;
using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Tests.Training;

/// <summary>The whole loop as Label Studio drives it, over HTTP against a real host serving the textclassifier plugin.</summary>
public sealed class TrainingLoopTests
{
    private const string Backend = "textclassifier";

    [Fact]
    public async Task Webhooks_then_start_training_produce_a_version_that_predicts_and_can_be_rolled_back()
    {
        var host = await TrainingHost.StartAsync(settings: ("Backends:textclassifier:Training:DataSource", "Store"));
        string secondJob;
        try
        {
            secondJob = await TrainPredictAndRollBackAsync(host);
        }
        finally
        {
            await host.DisposeAsync();
        }

        // The active version survives a restart.
        await using var restarted = await TrainingHost.StartAsync(host.ModelDir);
        var (_, afterRestart) = await restarted.PostAsync($"{Backend}/predict", Predict(["horrible, I hate it, terrible"]));
        var restartedResult = TrainingHost.Results(afterRestart).Single();
        Assert.Equal("textclassifier-v2", restartedResult["model_version"]!.GetValue<string>());
        Assert.Equal("Negative", TrainingHost.FirstChoice(restartedResult));
        var (_, jobAfterRestart) = await restarted.GetAsync($"{Backend}/jobs/{secondJob}");
        Assert.Equal("succeeded", jobAfterRestart["state"]!.GetValue<string>());
    }

    /// <summary>Setup, cold start, webhooks, two trainings, rollback and roll forward; returns the second job's id.</summary>
    private static async Task<string> TrainPredictAndRollBackAsync(RunningHost host)
    {
        var (status, setup) = await host.PostAsync($"{Backend}/setup", Setup(SentimentConfig));
        Assert.Equal(200, status);
        Assert.Equal("textclassifier-2.0.0", setup["model_version"]!.GetValue<string>());

        // Before any training: a guess from the label names, never an error.
        var (_, cold) = await host.PostAsync($"{Backend}/predict", Predict(["This is a positive surprise", "no label word here"]));
        var coldResults = TrainingHost.Results(cold).ToList();
        Assert.Equal("Positive", TrainingHost.FirstChoice(coldResults[0]));
        Assert.Empty(coldResults[1]["result"]!.AsArray());
        Assert.Equal("textclassifier-2.0.0", coldResults[0]["model_version"]!.GetValue<string>());

        // Annotations arrive one webhook at each, each acknowledged well within Label Studio's one second.
        for (var i = 0; i < Sentiment.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var (hookStatus, hook) = await host.PostAsync($"{Backend}/webhook", AnnotationCreated(100 + i, 10 + i, Sentiment[i].Text, [Sentiment[i].Label]));
            Assert.True(Stopwatch.GetElapsedTime(started) < TrainingHost.WebhookBudget);
            Assert.Equal(201, hookStatus);
            Assert.Equal("ok", hook["status"]!.GetValue<string>());
        }
        // A skipped (cancelled) annotation with a misleading label must not be learned.
        await host.PostAsync($"{Backend}/webhook", AnnotationCreated(999, 999, "love love love great excellent", ["Negative"], cancelled: true));

        var trainStarted = Stopwatch.GetTimestamp();
        var (trainStatus, trainAnswer) = await host.PostAsync($"{Backend}/webhook", StartTraining());
        Assert.True(Stopwatch.GetElapsedTime(trainStarted) < TrainingHost.WebhookBudget);
        Assert.Equal(201, trainStatus);
        Assert.Equal("ok", trainAnswer["status"]!.GetValue<string>());
        var job = await host.WaitForJobAsync(Backend, trainAnswer["job"]!.GetValue<string>());
        Assert.Equal("succeeded", job["state"]!.GetValue<string>());
        Assert.Equal("textclassifier-v1", job["model_version"]!.GetValue<string>());
        Assert.Equal(Sentiment.Length, job["examples"]!.GetValue<int>());
        Assert.Equal(1.0, job["progress"]!.GetValue<double>());

        var (_, predicted) = await host.PostAsync($"{Backend}/predict", Predict(["I love it, excellent and great", "horrible, I hate it, terrible"]));
        var results = TrainingHost.Results(predicted).ToList();
        Assert.All(results, r => Assert.Equal("textclassifier-v1", r["model_version"]!.GetValue<string>()));
        Assert.Equal("Positive", TrainingHost.FirstChoice(results[0]));
        Assert.Equal("Negative", TrainingHost.FirstChoice(results[1]));
        var score = results[0]["score"]!.GetValue<double>();
        Assert.InRange(score, 0.5, 1.0);
        Assert.Equal("choices", results[0]["result"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("sentiment", results[0]["result"]![0]!["from_name"]!.GetValue<string>());

        // Same version everywhere: /setup and /versions agree with /predict.
        var (_, setupAfter) = await host.PostAsync($"{Backend}/setup", Setup(SentimentConfig));
        Assert.Equal("textclassifier-v1", setupAfter["model_version"]!.GetValue<string>());

        // A second training (one label flipped by an update) → v2; then roll back to v1.
        await host.PostAsync($"{Backend}/webhook", AnnotationCreated(100, 10, Sentiment[0].Text, ["Negative"], action: "ANNOTATION_UPDATED"));
        var (_, second) = await host.PostAsync($"{Backend}/webhook", StartTraining());
        var job2 = await host.WaitForJobAsync(Backend, second["job"]!.GetValue<string>());
        Assert.Equal("textclassifier-v2", job2["model_version"]!.GetValue<string>());

        var (_, versions) = await host.GetAsync($"{Backend}/versions");
        Assert.Equal(["textclassifier-v1", "textclassifier-v2"], versions["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("textclassifier-v2", versions["active"]!.GetValue<string>());

        var (activateStatus, activated) = await host.PostAsync($"{Backend}/versions/v1/activate?project=6", "");
        Assert.Equal(200, activateStatus);
        Assert.Equal("textclassifier-v1", activated["model_version"]!.GetValue<string>());
        Assert.Equal("textclassifier-v2", activated["previous"]!.GetValue<string>());
        var (_, afterRollback) = await host.PostAsync($"{Backend}/predict", Predict(["I love it, excellent and great"]));
        Assert.Equal("textclassifier-v1", TrainingHost.Results(afterRollback).Single()["model_version"]!.GetValue<string>());
        var (_, setupRolledBack) = await host.PostAsync($"{Backend}/setup", Setup(SentimentConfig));
        Assert.Equal("textclassifier-v1", setupRolledBack["model_version"]!.GetValue<string>());

        // Roll forward by its model_version name, through the bare route (textclassifier is the default backend).
        var (forwardStatus, forward) = await host.PostAsync("versions/textclassifier-v2/activate", """{"project":6}""");
        Assert.Equal(200, forwardStatus);
        Assert.Equal("textclassifier-v2", forward["model_version"]!.GetValue<string>());
        return job2["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task Legacy_train_trains_on_the_tasks_it_carries()
    {
        await using var host = await TrainingHost.StartAsync(settings: ("Backends:textclassifier:Training:DataSource", "Store"));
        var job = await host.TrainAndWaitAsync(Backend, Train(Sentiment));
        Assert.Equal("textclassifier-v1", job["model_version"]!.GetValue<string>());
        Assert.Equal("TRAIN", job["trigger"]!.GetValue<string>());

        var (_, predicted) = await host.PostAsync($"{Backend}/predict", Predict(["great, love it", "awful and broken"]));
        var results = TrainingHost.Results(predicted).ToList();
        Assert.Equal(["Positive", "Negative"], results.Select(TrainingHost.FirstChoice));

        // A /train body is the full set: a second one replaces the first (here: labels swapped).
        var swapped = Sentiment.Select(s => (s.Text, s.Label == "Positive" ? "Negative" : "Positive"));
        await host.TrainAndWaitAsync(Backend, Train(swapped));
        var (_, flipped) = await host.PostAsync($"{Backend}/predict", Predict(["great, love it"]));
        Assert.Equal("Negative", TrainingHost.FirstChoice(TrainingHost.Results(flipped).Single()));
    }

    [Fact]
    public async Task Multiple_choice_predicts_every_label_over_the_threshold()
    {
        await using var host = await TrainingHost.StartAsync(settings: ("Backends:textclassifier:Training:DataSource", "Store"));
        (string Text, string[] Labels)[] data =
        [
            ("football match and a great goal", ["Sports"]), ("the team won the football league", ["Sports"]),
            ("tennis final, what a match", ["Sports"]), ("pizza and pasta for dinner", ["Food"]),
            ("a delicious pasta recipe", ["Food"]), ("the best pizza in town", ["Food"]),
            ("guitar concert tonight", ["Music"]), ("the band played a new song", ["Music"]),
            ("a song about guitar and drums", ["Music"]), ("pizza after the football match", ["Sports", "Food"]),
            ("the band played at the football stadium", ["Sports", "Music"]), ("dinner with pasta and a concert", ["Food", "Music"]),
            ("football goal celebration song", ["Sports", "Music"]), ("pizza party with the band", ["Food", "Music"]),
        ];
        var tasks = string.Join(",", data.Select((d, i) =>
        {
            var task = System.Text.Json.Nodes.JsonNode.Parse(ExportedTask(i + 1, d.Text, d.Labels, 700 + i, fromName: "topics"))!;
            return task.ToJsonString();
        }));
        var body = $$"""{"annotations":[{{tasks}}],"project":"7.1","label_config":{{LabelStudioRequests.Escape(TopicsConfig)}}}""";
        await host.TrainAndWaitAsync(Backend, body);

        var (_, predicted) = await host.PostAsync($"{Backend}/predict", LabelStudioRequests.Batch(["pizza at the football match", "a guitar song"], TopicsConfig, "7.1"));
        var results = TrainingHost.Results(predicted).ToList();
        var first = results[0]["result"]![0]!["value"]!["choices"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.True(first.Order().SequenceEqual(["Food", "Sports"]), predicted.ToJsonString());
        var second = results[1]["result"]![0]!["value"]!["choices"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Equal(["Music"], second);
    }

    [Fact]
    public async Task A_label_config_that_gains_labels_triggers_a_clean_retrain()
    {
        await using var host = await TrainingHost.StartAsync(settings: ("Backends:textclassifier:Training:DataSource", "Store"));
        await host.PostAsync($"{Backend}/setup", Setup(SentimentConfig));
        await host.TrainAndWaitAsync(Backend, Train(Sentiment));
        await host.WaitForIdleLaneAsync(Backend, "6");
        // The same config again (Label Studio calls /setup before every batch): no retrain.
        await host.PostAsync($"{Backend}/setup", Setup(SentimentConfig));
        var queue = host.Get<PluginHost.Training.TrainingQueue>();
        Assert.Equal((null, null), queue.LaneOf(Backend, "6"));

        // The project gains "Neutral" and annotators use it; webhooks store the annotations without training.
        (string Text, string Label)[] neutral = [("It is okay, nothing special", "Neutral"), ("Average, neither good nor bad", "Neutral"), ("okay average product", "Neutral")];
        for (var i = 0; i < neutral.Length; i++)
            await host.PostAsync($"{Backend}/webhook", AnnotationCreated(300 + i, 300 + i, neutral[i].Text, [neutral[i].Label], SentimentConfigWithNeutral));
        var (_, versionsBefore) = await host.GetAsync($"{Backend}/versions?project=6");
        Assert.Single(versionsBefore["versions"]!.AsArray());

        // The next /setup carries the new config: a retrain starts by itself.
        var (setupStatus, _) = await host.PostAsync($"{Backend}/setup", Setup(SentimentConfigWithNeutral));
        Assert.Equal(200, setupStatus);
        // Queued by /setup itself; on a busy machine it may have finished already, so look among the recent jobs.
        var job = queue.RecentJobs().FirstOrDefault(j => j.Project == "6" && j.Trigger == "LABEL_CONFIG_CHANGED");
        Assert.NotNull(job);
        var finished = await host.WaitForJobAsync(Backend, job.Id);
        Assert.Equal("textclassifier-v2", finished["model_version"]!.GetValue<string>());

        var (_, predicted) = await host.PostAsync($"{Backend}/predict", Predict(["okay, average, nothing special"], SentimentConfigWithNeutral));
        Assert.Equal("Neutral", TrainingHost.FirstChoice(TrainingHost.Results(predicted).Single()));
        // And once retrained, the same config does not retrain again.
        await host.WaitForIdleLaneAsync(Backend, "6");
        await host.PostAsync($"{Backend}/setup", Setup(SentimentConfigWithNeutral));
        Assert.Equal((null, null), queue.LaneOf(Backend, "6"));
    }
}

/// <summary>Cancelling a textclassifier job stops the optimizer mid-training rather than waiting for it to finish.</summary>
public sealed class TextClassifierCancellationTests
{
    [Fact]
    public async Task Deleting_a_running_job_stops_training()
    {
        await using var host = await TrainingHost.StartAsync(settings:
        [
            ("Backends:textclassifier:Training:DataSource", "Store"),
            // Big features on purpose: this training would take far longer than the test waits.
            ("Backends:textclassifier:Settings:WordNgrams", "3"),
            ("Backends:textclassifier:Settings:CharNgrams", "5"),
            // Every n-gram, almost no penalty, no iteration cap: random labels keep the optimizer busy until cancelled.
            ("Backends:textclassifier:Settings:MaxFeatures", "100000000"),
            ("Backends:textclassifier:Settings:L2Regularization", "1e-12"),
            ("Backends:textclassifier:Settings:MaxIterations", "1000000"),
        ]);
        var random = new Random(7);
        var words = Enumerable.Range(0, 3000).Select(i => $"w{i:x}").ToArray();
        var data = Enumerable.Range(0, 4000).Select(i => (string.Join(' ', Enumerable.Range(0, 300).Select(_ => words[random.Next(words.Length)])), i % 2 == 0 ? "Positive" : "Negative"));
        var (status, answer) = await host.PostAsync("textclassifier/train", TrainingRequests.Train(data));
        Assert.Equal(201, status);
        var id = answer["job"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await host.GetAsync($"textclassifier/jobs/{id}")).Body["stage"]!.GetValue<string>() != "training" && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        await Task.Delay(300);

        using (var response = await host.Client.DeleteAsync($"textclassifier/jobs/{id}"))
            Assert.Equal(202, (int)response.StatusCode);
        // No timing goal here (the training thread runs at low priority, so a busy machine stretches the stop); the job must
        // end cancelled, not succeeded after the optimizer ran to its end.
        var job = await host.WaitForJobAsync("textclassifier", id, TimeSpan.FromSeconds(60));
        Assert.Equal("cancelled", job["state"]!.GetValue<string>());
        var (_, versions) = await host.GetAsync("textclassifier/versions");
        Assert.Equal(["textclassifier-2.0.0"], versions["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
    }
}
