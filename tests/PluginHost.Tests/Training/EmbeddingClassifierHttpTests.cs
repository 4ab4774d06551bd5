using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Tests.Training;

/// <summary>
/// The embeddingclassifier over HTTP against a real host and the real all-MiniLM-L6-v2 encoder (loaded once per test
/// process: every host here shares one ONNX Runtime session). Beside it, two routes of the same plugin with a corrupt
/// and a missing model: they answer 503 with the reason while the good one serves.
/// </summary>
public sealed class EmbeddingClassifierHttpTests
{
    private const string Backend = "embeddingclassifier";

    private const string TopicConfig = """<View><Text name="text" value="$text"/><Choices name="topic" toName="text" choice="single-radio"><Choice value="Animals"/><Choice value="Vehicles"/></Choices></View>""";

    /// <summary>Separable by meaning: the held-out sentences share almost no word with the training ones.</summary>
    private static readonly (string Text, string Label)[] Training =
    [
        ("The cat slept all afternoon on the warm windowsill.", "Animals"),
        ("Our dog barks at every squirrel in the garden.", "Animals"),
        ("A herd of elephants crossed the river at dawn.", "Animals"),
        ("The parrot learned to whistle a tune.", "Animals"),
        ("Wolves hunt together in packs during winter.", "Animals"),
        ("The horse galloped across the meadow.", "Animals"),
        ("My car would not start this morning because of the battery.", "Vehicles"),
        ("The bus to the airport leaves every twenty minutes.", "Vehicles"),
        ("He rode his motorcycle along the coastal highway.", "Vehicles"),
        ("The freight train was delayed by a broken signal.", "Vehicles"),
        ("She bought a used pickup truck with low mileage.", "Vehicles"),
        ("The airplane landed smoothly despite the wind.", "Vehicles"),
    ];

    private static readonly (string Text, string Label)[] HeldOut =
    [
        ("A kitten purred while curled up in a basket.", "Animals"),
        ("Lions rest in the shade of acacia trees.", "Animals"),
        ("The puppy chewed a slipper to pieces.", "Animals"),
        ("The taxi honked twice before pulling over.", "Vehicles"),
        ("Our minivan needs new tyres before the trip.", "Vehicles"),
        ("The tram rattled down the street past the station.", "Vehicles"),
    ];

    [Fact]
    public async Task Webhooks_then_start_training_learn_by_meaning_broken_models_answer_503_and_the_head_survives_restart()
    {
        var modelDir = TempDirs.Create("embedding-models");
        var corrupt = Path.Combine(modelDir, "corrupt.onnx");
        await File.WriteAllTextAsync(corrupt, "this is not an ONNX model");
        await File.WriteAllTextAsync(Path.Combine(modelDir, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");
        (string, string?)[] routes =
        [
            ("Backends:embeddingclassifier:Training:DataSource", "Store"),
            ("Backends:corrupt:Plugin", Backend),
            ("Backends:corrupt:Settings:ModelPath", corrupt),
            ("Backends:missing:Plugin", Backend),
            ("Backends:missing:Settings:ModelPath", "no-such-model.onnx"),
        ];

        await using (var host = await StartAsync(modelDir, routes))
        {
            // Unusable models: 503 with the reason on health and predict; the good route is unaffected.
            var (corruptHealth, corruptBody) = await host.GetAsync("corrupt/health");
            Assert.Equal(503, corruptHealth);
            Assert.Contains("not a loadable ONNX model", corruptBody.ToJsonString());
            var (missingStatus, missingBody) = await host.PostAsync("missing/predict", Predict(["anything"], TopicConfig));
            Assert.Equal(503, missingStatus);
            Assert.Contains("does not exist", missingBody["detail"]!.GetValue<string>());
            var (corruptStatus, _) = await host.PostAsync("corrupt/predict", Predict(["anything"], TopicConfig));
            Assert.Equal(503, corruptStatus);
            var (health, _) = await host.GetAsync($"{Backend}/health");
            Assert.Equal(200, health);

            for (var i = 0; i < Training.Length; i++)
            {
                var (hookStatus, _) = await host.PostAsync($"{Backend}/webhook",
                    AnnotationCreated(100 + i, 10 + i, Training[i].Text, [Training[i].Label], TopicConfig, fromName: "topic"));
                Assert.Equal(201, hookStatus);
            }
            var (trainStatus, trainAnswer) = await host.PostAsync($"{Backend}/webhook", StartTraining(TopicConfig));
            Assert.Equal(201, trainStatus);
            var job = await host.WaitForJobAsync(Backend, trainAnswer["job"]!.GetValue<string>(), TimeSpan.FromSeconds(120));
            Assert.True(job["state"]!.GetValue<string>() == "succeeded", job.ToJsonString());
            Assert.Equal("embeddingclassifier-v1", job["model_version"]!.GetValue<string>());

            await AssertLearnedAsync(host);
            // Still 503 after the good route trained: nothing leaks between routes.
            Assert.Equal(503, (await host.GetAsync("corrupt/health")).Status);
        }

        // The trained head is reloaded from MODEL_DIR by a new host.
        await using var restarted = await StartAsync(modelDir, routes);
        await AssertLearnedAsync(restarted);
    }

    [Fact]
    public async Task A_version_reports_held_out_accuracy_macro_f1_and_its_loss_curve()
    {
        // 18 tasks; holding out from 10 tasks on leaves 4 unseen sentences to score the head on.
        await using var host = await StartAsync(TempDirs.Create("embedding-metrics"), [("Backends:embeddingclassifier:Training:ValidationMinTasks", "10")]);
        var job = await host.TrainAndWaitAsync(Backend, Train([.. Training, .. HeldOut], TopicConfig, fromName: "topic"));
        Assert.Equal(18, job["examples"]!.GetValue<int>());

        var (_, versions) = await host.GetAsync($"{Backend}/versions?project=6");
        var version = versions["details"]!.AsArray().Single()!;
        Assert.Equal(4, version["validation_examples"]!.GetValue<int>());
        // Sentences sharing almost no word with the trained ones: only the encoder's meaning gets them right.
        Assert.InRange(version["metrics"]!["accuracy"]!.GetValue<double>(), 0.75, 1.0);
        Assert.InRange(version["metrics"]!["macro_f1"]!.GetValue<double>(), 0.7, 1.0);
        var loss = version["curves"]!["loss"]!.AsArray().Select(p => p!["value"]!.GetValue<double>()).ToList();
        Assert.True(loss.Count >= 3 && loss[^1] < loss[0], string.Join(", ", loss));
    }

    private static async Task AssertLearnedAsync(RunningHost host)
    {
        var (status, predicted) = await host.PostAsync($"{Backend}/predict", Predict(HeldOut.Select(h => h.Text), TopicConfig));
        Assert.Equal(200, status);
        var results = TrainingHost.Results(predicted).ToList();
        Assert.Equal(HeldOut.Length, results.Count);
        for (var i = 0; i < HeldOut.Length; i++)
        {
            Assert.Equal("embeddingclassifier-v1", results[i]["model_version"]!.GetValue<string>());
            Assert.True(HeldOut[i].Label == TrainingHost.FirstChoice(results[i]), $"'{HeldOut[i].Text}' → {results[i].ToJsonString()}");
            Assert.InRange(results[i]["score"]!.GetValue<double>(), 0.5, 1.0);
            Assert.Equal("topic", results[i]["result"]![0]!["from_name"]!.GetValue<string>());
        }
    }

    private static Task<RunningHost> StartAsync(string modelDir, (string Key, string? Value)[] settings)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["PluginHost:PluginsDir"] = PluginFolders.CreatePluginsDir((Backend, PluginFolders.BuiltIn(Backend))),
            ["PluginHost:DefaultBackend"] = Backend,
            ["PluginHost:ModelDir"] = modelDir,
        };
        foreach (var (key, value) in settings) overrides[key] = value;
        return RunningHost.StartAsync(overrides);
    }
}
