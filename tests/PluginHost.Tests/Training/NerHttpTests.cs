using System.Diagnostics;
using System.Text.Json.Nodes;
using PluginHost.Ner.Corpus;
using PluginHost.Plugins.Ner.Training;
using PluginHost.Sdk.LabelConfigs;
using static PluginHost.Tests.LabelStudioRequests;
using static PluginHost.Tests.Training.NerHttpTests;

namespace PluginHost.Tests.Training;

/// <summary>
/// The built-in <c>ner</c> backend over real HTTP, loaded from artifacts/plugins/ner, trained the way Label Studio
/// drives it: /setup, annotation webhooks, START_TRAINING, polling the job, then /predict with the new model_version.
/// Data: the synthetic corpus of the NER tests; held-out texts use only names and templates never seen in training.
/// </summary>
// Not in parallel with tests that load and unload assemblies all the time (script churn, plugin reloads): ML.NET's
// Fit failed there with a NullReferenceException in about one full run out of three (see docs/ner.md, known issues).
[Collection(nameof(NerTrainingThreadTests))]
public sealed class NerHttpTests
{
    internal const string Backend = "ner";
    internal const string Project = "6";
    internal static readonly string FullConfig = NerRequests.Config("PER", "ORG", "LOC");
    private static readonly string ConfigWithoutLoc = NerRequests.Config("PER", "ORG");

    [Fact]
    public async Task Webhooks_then_start_training_give_a_model_that_finds_unseen_entities_through_predict()
    {
        var (train, test) = SyntheticNerCorpus.Generate(300, 150, seed: 7);
        await using var host = await StartAsync();
        var config = LabelConfig.Parse(FullConfig);

        var (setupStatus, setup) = await host.PostAsync($"{Backend}/setup", TrainingRequests.Setup(FullConfig));
        Assert.Equal(200, setupStatus);
        var codeVersion = setup["model_version"]!.GetValue<string>();
        Assert.StartsWith("ner-", codeVersion);
        Assert.DoesNotMatch(@"^ner-v\d+$", codeVersion);

        // Before any training: one empty prediction per task, never an error; interactive help works already.
        var coldTexts = test.Take(3).Select(t => t.Text).ToList();
        var (_, cold) = await host.PostAsync($"{Backend}/predict", Batch(coldTexts, FullConfig));
        var coldResults = TrainingHost.Results(cold).ToList();
        Assert.Equal(coldTexts.Count, coldResults.Count);
        foreach (var (result, text) in coldResults.Zip(coldTexts)) Assert.Empty(NerRequests.CheckedSpans(result, text, config, codeVersion));
        await AssertInteractiveOccurrencesAsync(host, config, codeVersion, expectModelSpans: false);

        // Annotations arrive as Label Studio sends them: one webhook per submitted annotation, then a bulk import.
        for (var i = 0; i < 10; i++)
            await PostWebhookAsync(host, NerRequests.AnnotationEvent(1000 + i, 1 + i, train[i], FullConfig));
        foreach (var chunk in train.Select((t, i) => (AnnotationId: 1000L + i, TaskId: 1L + i, Text: t)).Skip(10).Chunk(100))
            await PostWebhookAsync(host, NerRequests.AnnotationsCreated(chunk, FullConfig));

        var job = await StartTrainingAsync(host, FullConfig);
        Assert.Equal("succeeded", job["state"]!.GetValue<string>());
        Assert.Equal("ner-v1", job["model_version"]!.GetValue<string>());
        Assert.Equal(train.Count, job["examples"]!.GetValue<int>());

        // Held-out texts (unseen names) in Label Studio-sized batches: exact offsets, valid regions, the new version.
        var predicted = await PredictAsync(host, test, FullConfig, "ner-v1");
        var gold = test.Select(t => t.Spans).ToList();
        var all = NerRequests.Score(gold, predicted);
        // Measured about 0.85 on this split; a model with shifted offsets, swapped labels or BIO errors falls far below.
        Assert.True(all.F1 >= 0.75, $"held-out entity F1 {all.F1:F3} (P {all.Precision:F3}, R {all.Recall:F3})");
        foreach (var label in new[] { "PER", "ORG", "LOC" })
        {
            var scores = NerRequests.Score(gold, predicted, label);
            Assert.True(scores.F1 >= 0.6, $"{label} F1 {scores.F1:F3} (overall {all.F1:F3})");
        }

        // The same version everywhere Label Studio looks.
        var (_, setupAfter) = await host.PostAsync($"{Backend}/setup", TrainingRequests.Setup(FullConfig));
        Assert.Equal("ner-v1", setupAfter["model_version"]!.GetValue<string>());
        var (_, versions) = await host.GetAsync($"{Backend}/versions");
        Assert.Equal(["ner-v1"], versions["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        // The version's own figures: entity F1 on the 60 annotated texts (20 %) the training service held out.
        var details = versions["details"]![0]!;
        Assert.Equal(60, details["validation_examples"]!.GetValue<int>());
        Assert.InRange(details["metrics"]!["entity_f1"]!.GetValue<double>(), 0.6, 1.0);
        await AssertInteractiveOccurrencesAsync(host, config, "ner-v1", expectModelSpans: true);
    }

    [Fact]
    public async Task Label_config_changes_retrain_and_only_the_configs_labels_are_ever_emitted()
    {
        var (train, test) = SyntheticNerCorpus.Generate(220, 100, seed: 13);
        var gold = test.Select(t => t.Spans).ToList();
        await using var host = await StartAsync();
        var queue = host.Get<PluginHost.Training.TrainingQueue>();

        // The project starts with PER and ORG only: annotators mark no places.
        var withoutPlaces = train.Select(t => t with { Spans = t.Spans.Where(s => s.Label != "LOC").ToList() }).ToList();
        await host.PostAsync($"{Backend}/setup", TrainingRequests.Setup(ConfigWithoutLoc));
        foreach (var chunk in withoutPlaces.Select((t, i) => (AnnotationId: 2000L + i, TaskId: 1L + i, Text: t)).Chunk(110))
            await PostWebhookAsync(host, NerRequests.AnnotationsCreated(chunk, ConfigWithoutLoc));
        var first = await StartTrainingAsync(host, ConfigWithoutLoc);
        Assert.Equal("ner-v1", first["model_version"]!.GetValue<string>());
        await host.WaitForIdleLaneAsync(Backend, Project);
        // Even asked with a config that has LOC, v1 never learned it.
        var v1 = await PredictAsync(host, test, FullConfig, "ner-v1");
        Assert.DoesNotContain(v1.SelectMany(s => s), s => s.Label == "LOC");
        Assert.True(NerRequests.Score(gold, v1, "PER").F1 >= 0.6, $"v1 PER F1 {NerRequests.Score(gold, v1, "PER").F1:F3}");

        // LOC is added: annotators revisit their tasks and mark places (ANNOTATION_UPDATED), then Label Studio's next
        // /setup carries the new config. Its labels differ from v1's: the host queues a clean retrain by itself.
        for (var i = 0; i < train.Count; i++)
            await PostWebhookAsync(host, NerRequests.AnnotationEvent(2000 + i, 1 + i, train[i], FullConfig, "ANNOTATION_UPDATED"), expectedStatus: 201);
        var v2Job = await RetrainTriggeredBySetupAsync(host, queue, FullConfig);
        Assert.Equal("ner-v2", v2Job["model_version"]!.GetValue<string>());
        var v2 = await PredictAsync(host, test, FullConfig, "ner-v2");
        var places = NerRequests.Score(gold, v2, "LOC");
        Assert.True(places.F1 >= 0.6, $"LOC F1 after the retrain {places.F1:F3}");
        // The same config again (Label Studio calls /setup before every batch) does not retrain.
        await host.WaitForIdleLaneAsync(Backend, Project);
        await host.PostAsync($"{Backend}/setup", TrainingRequests.Setup(FullConfig));
        Assert.Equal((null, null), queue.LaneOf(Backend, Project));

        // LOC is removed again. At once, before any retrain, v2 (which knows LOC) stops emitting it but keeps the rest.
        var removed = await PredictAsync(host, test, ConfigWithoutLoc, "ner-v2");
        Assert.DoesNotContain(removed.SelectMany(s => s), s => s.Label == "LOC");
        Assert.Equal(v2.SelectMany(s => s).Count(s => s.Label != "LOC"), removed.SelectMany(s => s).Count());
        // The /setup with the smaller config retrains too (the rule is "labels differ", either way).
        var v3Job = await RetrainTriggeredBySetupAsync(host, queue, ConfigWithoutLoc);
        Assert.Equal("ner-v3", v3Job["model_version"]!.GetValue<string>());
        var v3 = await PredictAsync(host, test, ConfigWithoutLoc, "ner-v3");
        Assert.DoesNotContain(v3.SelectMany(s => s), s => s.Label == "LOC");
        Assert.True(NerRequests.Score(gold, v3, "ORG").F1 >= 0.6, $"v3 ORG F1 {NerRequests.Score(gold, v3, "ORG").F1:F3}");
    }

#if RELEASE
    [Fact]
#else
    [Fact(Skip = "Unloading needs a Release build: the Debug JIT keeps old load contexts alive. Run dotnet test -c Release.")]
#endif
    public async Task A_plugin_that_trained_and_predicted_unloads_with_ml_net_shared_from_the_host()
    {
        // Reflection-based System.Text.Json (ner.json) once pinned the plugin's load context for the process's lifetime.
        var (train, test) = SyntheticNerCorpus.Generate(100, 20, seed: 5);
        WeakReference context;
        await using (var host = await StartAsync())
        {
            await PostWebhookAsync(host, NerRequests.AnnotationsCreated(train.Select((t, i) => (1000L + i, 1L + i, t)), FullConfig));
            await StartTrainingAsync(host, FullConfig);
            await PredictAsync(host, test, FullConfig, "ner-v1");
            context = PluginContextOf(host);
        }
        for (var i = 0; i < 100 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(50);
        }
        Assert.False(context.IsAlive, "the ner plugin's load context is still alive after its host stopped");
    }

    /// <summary>Kept out of line so no local of the test method roots the plugin.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference PluginContextOf(RunningHost host)
    {
        Assert.True(host.Get<PluginHost.Backends.BackendRegistry>().TryGet(Backend, out var slot));
        var context = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(slot.Current!.Backend.GetType().Assembly)!;
        Assert.True(context.IsCollectible);
        return new WeakReference(context);
    }

    internal static Task<RunningHost> StartAsync(params (string Key, string? Value)[] settings)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["PluginHost:PluginsDir"] = PluginFolders.CreatePluginsDir((Backend, PluginFolders.BuiltIn(Backend))),
            ["PluginHost:DefaultBackend"] = Backend,
            // The /setup hostname points at no Label Studio: train on what the webhooks stored.
            [$"Backends:{Backend}:Training:DataSource"] = "Store",
        };
        foreach (var (key, value) in settings) overrides[key] = value;
        return RunningHost.StartAsync(overrides);
    }

    /// <summary>Posts a webhook and checks it is acknowledged within the webhook budget (see TrainingHost.WebhookBudget).</summary>
    internal static async Task PostWebhookAsync(RunningHost host, string body, int expectedStatus = 201)
    {
        var started = Stopwatch.GetTimestamp();
        var (status, answer) = await host.PostAsync($"{Backend}/webhook", body);
        Assert.True(Stopwatch.GetElapsedTime(started) < TrainingHost.WebhookBudget, $"webhook took {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        Assert.True(status == expectedStatus, $"{status}: {answer}");
        Assert.Equal("ok", answer["status"]!.GetValue<string>());
    }

    /// <summary>"Start Training": the START_TRAINING webhook, answered at once with a job that is then polled.</summary>
    internal static async Task<JsonNode> StartTrainingAsync(RunningHost host, string labelConfig)
    {
        var started = Stopwatch.GetTimestamp();
        var (status, answer) = await host.PostAsync($"{Backend}/webhook", TrainingRequests.StartTraining(labelConfig));
        Assert.True(Stopwatch.GetElapsedTime(started) < TrainingHost.WebhookBudget);
        Assert.Equal(201, status);
        var job = await host.WaitForJobAsync(Backend, answer["job"]!.GetValue<string>());
        Assert.True(job["state"]!.GetValue<string>() == "succeeded", job.ToJsonString());
        return job;
    }

    /// <summary>/setup with <paramref name="labelConfig"/> must queue a LABEL_CONFIG_CHANGED job; waits for it.</summary>
    private static async Task<JsonNode> RetrainTriggeredBySetupAsync(RunningHost host, PluginHost.Training.TrainingQueue queue, string labelConfig)
    {
        await host.WaitForIdleLaneAsync(Backend, Project);
        var (status, _) = await host.PostAsync($"{Backend}/setup", TrainingRequests.Setup(labelConfig));
        Assert.Equal(200, status);
        var (running, waiting) = queue.LaneOf(Backend, Project);
        var retrain = running ?? waiting;
        Assert.NotNull(retrain);
        Assert.Equal("LABEL_CONFIG_CHANGED", retrain.Trigger);
        var job = await host.WaitForJobAsync(Backend, retrain.Id);
        Assert.True(job["state"]!.GetValue<string>() == "succeeded", job.ToJsonString());
        return job;
    }

    /// <summary>Predicts <paramref name="texts"/> in batches of 50 and returns each task's checked spans.</summary>
    internal static async Task<List<IReadOnlyList<CharSpan>>> PredictAsync(RunningHost host, IReadOnlyList<AnnotatedText> texts, string labelConfig, string modelVersion)
    {
        var config = LabelConfig.Parse(labelConfig);
        var spans = new List<IReadOnlyList<CharSpan>>(texts.Count);
        foreach (var chunk in texts.Chunk(50))
        {
            var (status, body) = await host.PostAsync($"{Backend}/predict", Batch(chunk.Select(t => t.Text), labelConfig));
            Assert.True(status == 200, body.ToJsonString());
            var results = TrainingHost.Results(body).ToList();
            Assert.Equal(chunk.Length, results.Count);
            spans.AddRange(results.Zip(chunk, (r, t) => NerRequests.CheckedSpans(r, t.Text, config, modelVersion)));
        }
        return spans;
    }

    /// <summary>
    /// The annotator marks one "Hooli" as ORG: the other occurrence (other case, other spacing) comes back with the
    /// same label and score 1; the prompt itself does not, and no model span overlaps either.
    /// </summary>
    private static async Task AssertInteractiveOccurrencesAsync(RunningHost host, LabelConfig config, string modelVersion, bool expectModelSpans)
    {
        const string text = "Dr. Nowak met officials from Hooli Labs in Lima on Monday. Later, hooli  labs said Nowak would return to Lima.";
        var prompt = new CharSpan(text.IndexOf("Hooli Labs", StringComparison.Ordinal), text.IndexOf("Hooli Labs", StringComparison.Ordinal) + 10, "ORG");
        var other = text.IndexOf("hooli  labs", StringComparison.Ordinal);
        var (status, body) = await host.PostAsync($"{Backend}/predict", NerRequests.Interactive(77, text, prompt, FullConfig));
        Assert.Equal(200, status);
        var result = Assert.Single(TrainingHost.Results(body));
        var spans = NerRequests.CheckedSpans(result, text, config, modelVersion);

        var occurrence = Assert.Single(spans, s => s.Start < other + 11 && other < s.End);
        Assert.Equal(new CharSpan(other, other + 11, "ORG"), occurrence);
        var occurrenceScore = result["result"]!.AsArray().Single(r => r!["value"]!["start"]!.GetValue<int>() == other)!["score"]!.GetValue<double>();
        Assert.Equal(1.0, occurrenceScore);
        Assert.DoesNotContain(spans, s => s.Start < prompt.End && prompt.Start < s.End);
        if (expectModelSpans) Assert.Contains(spans, s => s.Label is "PER" or "LOC");
        else Assert.Single(spans);
    }
}

/// <summary>
/// Where an NER job's CPU work runs, measured per thread from /proc, and how fast DELETE stops it. Alone in its collection
/// (not in parallel with other test classes) so other tests' requests and training do not blur the per-thread figures.
/// </summary>
[Collection(nameof(NerTrainingThreadTests))]
public sealed class NerTrainingThreadTests
{
    [Fact]
    public async Task A_ner_job_trains_on_the_low_priority_thread_and_stops_within_seconds_when_deleted()
    {
        // 2,000 texts: the fit alone takes several seconds on this machine. Nice 5 rather than 19 so the cancellation
        // latency measured here does not depend on how busy the shared machine is (still below the request threads' 0).
        var (train, test) = SyntheticNerCorpus.Generate(2000, 5, seed: 3);
        var items = train.Select((t, i) => (AnnotationId: 5000L + i, TaskId: 1L + i, Text: t)).ToList();
        await using var host = await StartAsync(("PluginHost:Training:Nice", "5"));
        await PostWebhookAsync(host, NerRequests.AnnotationsCreated(items.Take(100), FullConfig));
        Assert.Equal("ner-v1", (await StartTrainingAsync(host, FullConfig))["model_version"]!.GetValue<string>());
        await host.WaitForIdleLaneAsync(Backend, Project);
        foreach (var chunk in items.Skip(100).Chunk(500))
            await PostWebhookAsync(host, NerRequests.AnnotationsCreated(chunk, FullConfig));
        var (_, answer) = await host.PostAsync($"{Backend}/webhook", TrainingRequests.StartTraining(FullConfig));
        var id = answer["job"]!.GetValue<string>();

        // The backend reports 0.2 just before ML.NET's Fit, which the host maps to 0.25 of the job.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonNode state;
        while ((state = (await host.GetAsync($"{Backend}/jobs/{id}")).Body)["progress"]!.GetValue<double>() < 0.25)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the job never reached the fit: {state}");
            Assert.Contains(state["state"]!.GetValue<string>(), new[] { "queued", "running" });
            await Task.Delay(20);
        }

        // While it fits, the CPU time goes to the host's training thread (nice 5) and the threads it started (Linux threads
        // inherit their creator's nice), not to thread-pool threads at the request threads' nice 0, where a Task.Run inside
        // TrainAsync would put it. (The runtime's tiered JIT thread also works for the training, at nice 0; it is neither.)
        if (OperatingSystem.IsLinux())
        {
            var before = ThreadCpu.Sample();
            await Task.Delay(1500);
            var after = ThreadCpu.Sample();
            Assert.Contains(after.Threads.Values, t => t is { Name: "training-0", Nice: 5 });
            var lowPriority = ThreadCpu.Ticks(before, after, t => t.Nice == 5);
            var threadPool = ThreadCpu.Ticks(before, after, t => t.Nice == 0 && t.Name.StartsWith(".NET TP", StringComparison.Ordinal));
            var busiest = ThreadCpu.Busiest(before, after);
            Assert.True(lowPriority >= 10, $"threads at nice 5 used only {lowPriority} CPU ticks in 1.5 s: is the job fitting? {state}; busiest: {busiest}");
            Assert.True(lowPriority >= 4 * threadPool, $"nice 5: {lowPriority} ticks, thread pool: {threadPool}; busiest: {busiest}");
        }

        var cancelledAt = Stopwatch.StartNew();
        using (var response = await host.Client.DeleteAsync($"{Backend}/jobs/{id}"))
            Assert.Equal(202, (int)response.StatusCode);
        var job = await host.WaitForJobAsync(Backend, id, TimeSpan.FromSeconds(30));
        Assert.Equal("cancelled", job["state"]!.GetValue<string>());
        // Without stopping ML.NET's Fit this took the rest of the fit (7 s for 1,500 texts, measured); with it, milliseconds.
        Assert.True(cancelledAt.Elapsed < TimeSpan.FromSeconds(5), $"took {cancelledAt.Elapsed.TotalSeconds:F1} s to stop");
        var (_, versions) = await host.GetAsync($"{Backend}/versions");
        Assert.Equal(["ner-v1"], versions["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        await PredictAsync(host, test, FullConfig, "ner-v1");
    }
}

[CollectionDefinition(nameof(NerTrainingThreadTests), DisableParallelization = true)]
public sealed class NerTrainingThreadCollection;

/// <summary>CPU time per thread of this process, from /proc (Linux).</summary>
internal sealed record ThreadCpu(IReadOnlyDictionary<int, (string Name, long Ticks, int Nice)> Threads)
{
    public static ThreadCpu Sample()
    {
        var threads = new Dictionary<int, (string, long, int)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var (ticks, nice) = Parse(File.ReadAllText(Path.Combine(dir, "stat")));
                threads[int.Parse(Path.GetFileName(dir))] = (File.ReadAllText(Path.Combine(dir, "comm")).Trim(), ticks, nice);
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }
        return new ThreadCpu(threads);
    }

    /// <summary>CPU ticks used between two samples by the threads that match.</summary>
    public static long Ticks(ThreadCpu before, ThreadCpu after, Func<(string Name, long Ticks, int Nice), bool> match) => after.Threads
        .Where(t => match(t.Value))
        .Sum(t => t.Value.Ticks - (before.Threads.TryGetValue(t.Key, out var b) ? b.Ticks : 0));

    public static string Busiest(ThreadCpu before, ThreadCpu after) => string.Join(", ", after.Threads
        .Select(t => (t.Value.Name, t.Value.Nice, Ticks: t.Value.Ticks - (before.Threads.TryGetValue(t.Key, out var b) ? b.Ticks : 0)))
        .Where(t => t.Ticks > 0).OrderByDescending(t => t.Ticks).Take(8).Select(t => $"{t.Name} (nice {t.Nice}): {t.Ticks}"));

    /// <summary>utime + stime (fields 14 and 15) and nice (field 19); the name in field 2 may hold spaces, so split after ')'.</summary>
    private static (long Ticks, int Nice) Parse(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12]), int.Parse(fields[16]));
    }
}
