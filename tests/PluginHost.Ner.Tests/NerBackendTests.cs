using PluginHost.Ner.Corpus;
using PluginHost.Plugins.Ner;
using PluginHost.Plugins.Ner.Evaluation;
using PluginHost.Plugins.Ner.Model;
using PluginHost.Plugins.Ner.Training;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Ner.Tests;

/// <summary>Trains one model on synthetic data through the backend API, saves it to disk and loads it back.</summary>
public sealed class TrainedModelFixture : IAsyncLifetime
{
    public NerBackend Backend { get; } = new();

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "ner-tests-" + Guid.NewGuid().ToString("N"));

    public IReadOnlyList<AnnotatedText> Train { get; private set; } = [];

    public IReadOnlyList<AnnotatedText> Test { get; private set; } = [];

    public NerModel Model { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (Train, Test) = SyntheticNerCorpus.Generate(600, 250, seed: 11);
        await Backend.TrainAsync(LabelStudio.Training(Train, Directory), CancellationToken.None);
        Model = (await Backend.LoadAsync(LabelStudio.Load(Directory), CancellationToken.None))!;
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }
}

public class NerBackendTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>
{
    private static IReadOnlyList<CharSpan> Spans(Prediction prediction) =>
        prediction.Result.Select(r => new CharSpan(r.Value!.Start!.Value, r.Value.End!.Value, r.Value.Labels![0])).ToList();

    [Fact]
    public void Training_writes_the_model_files_and_nothing_temporary()
    {
        var files = System.IO.Directory.GetFiles(fixture.Directory).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal([NerModel.PipelineFile, NerModel.MetadataFile], files);
        Assert.Equal(["PER", "ORG", "LOC"], fixture.Model.Labels);
        Assert.Equal(600, fixture.Model.Metadata.Stats!.Texts);
    }

    [Fact]
    public async Task Held_out_entity_F1_is_high_and_regions_are_well_formed()
    {
        var texts = fixture.Test.Select(t => t.Text).ToList();
        var predictions = await fixture.Backend.PredictAsync(LabelStudio.Predict(texts, fixture.Model), fixture.Model, CancellationToken.None);

        Assert.Equal(texts.Count, predictions.Count);
        foreach (var (text, prediction) in texts.Zip(predictions))
            foreach (var region in prediction.Result)
            {
                Assert.Equal(("label", "text", "labels"), (region.FromName, region.ToName, region.Type));
                Assert.Equal(text[region.Value!.Start!.Value..region.Value.End!.Value], region.Value.Text);
                Assert.Contains(region.Value.Labels![0], new[] { "PER", "ORG", "LOC" });
                Assert.InRange(region.Score!.Value, 0.0, 1.0);
            }
        var scores = EntityScores.Score(fixture.Test.Select(t => t.Spans).ToList(), predictions.Select(Spans).ToList());
        // Measured ≈ 0.85 on these unseen names and templates; an untrained or mis-mapped model scores near 0.
        Assert.True(scores.F1 > 0.75, $"held-out {scores}");
    }

    [Fact]
    public async Task Without_a_model_every_task_gets_an_empty_prediction()
    {
        var backend = new NerBackend();
        Assert.Null(await backend.LoadAsync(LabelStudio.Load(null), CancellationToken.None));
        var predictions = await backend.PredictAsync(LabelStudio.Predict(["a", "b", "c"], null, config: null), null, CancellationToken.None);
        Assert.Equal(3, predictions.Count);
        Assert.All(predictions, p => Assert.Empty(p.Result));
    }

    [Fact]
    public async Task Tasks_without_text_get_empty_predictions()
    {
        var predictions = await fixture.Backend.PredictAsync(LabelStudio.Predict(["", "   ", "Kwame Mbeki flew to Oslo."], fixture.Model), fixture.Model, CancellationToken.None);
        Assert.Empty(predictions[0].Result);
        Assert.Empty(predictions[1].Result);
        Assert.NotEmpty(predictions[2].Result);
    }

    [Fact]
    public async Task A_changed_label_config_gets_only_its_own_labels_through_predicted_values()
    {
        // LOC was removed, PER renamed to Person (mapped back with predicted_values), MISC added but never trained.
        const string changed = """
            <View>
              <Labels name="ents" toName="doc">
                <Label value="Person" predicted_values="PER"/><Label value="ORG"/><Label value="MISC"/>
              </Labels>
              <Text name="doc" value="$text"/>
            </View>
            """;
        var texts = fixture.Test.Select(t => t.Text).ToList();
        var before = await fixture.Backend.PredictAsync(LabelStudio.Predict(texts, fixture.Model), fixture.Model, CancellationToken.None);
        var after = await fixture.Backend.PredictAsync(LabelStudio.Predict(texts, fixture.Model, changed), fixture.Model, CancellationToken.None);

        var labelsBefore = before.SelectMany(p => p.Result).Select(r => r.Value!.Labels![0]).ToHashSet();
        var labelsAfter = after.SelectMany(p => p.Result).Select(r => r.Value!.Labels![0]).ToHashSet();
        Assert.Equal(["LOC", "ORG", "PER"], labelsBefore.Order());
        Assert.Equal(["ORG", "Person"], labelsAfter.Order());
        Assert.All(after.SelectMany(p => p.Result), r => Assert.Equal(("ents", "doc"), (r.FromName, r.ToName)));
        // Places are not relabelled as something else: nothing is predicted where only LOC was.
        var locBefore = before.SelectMany((p, i) => p.Result.Where(r => r.Value!.Labels![0] == "LOC").Select(r => (i, r.Value!.Start, r.Value.End))).ToList();
        var spansAfter = after.SelectMany((p, i) => p.Result.Select(r => (i, r.Value!.Start, r.Value.End))).ToHashSet();
        Assert.True(locBefore.Count(spansAfter.Contains) <= locBefore.Count / 10, "most former LOC spans must get no label at all");
    }

    [Fact]
    public async Task Interactive_context_returns_the_other_occurrences_with_the_same_label()
    {
        const string text = "Vandelay Corp signed the deal. Later, vandelay\n corp said VANDELAY CORP and Vandelay Corporation would merge.";
        var prompt = new InteractiveContext { Result = [LabelStudio.Region(text, new CharSpan(0, 13, "ORG"))] };
        foreach (var model in new[] { fixture.Model, null })
        {
            var predictions = await fixture.Backend.PredictAsync(LabelStudio.Predict([text], model, interactive: prompt), model, CancellationToken.None);
            var regions = Assert.Single(predictions).Result;
            var occurrences = regions.Where(r => r.Score == 1.0).Select(r => (r.Value!.Start, r.Value.End, r.Value.Labels![0])).ToList();
            Assert.Equal([(38, 52, "ORG"), (58, 71, "ORG")], occurrences);
            Assert.DoesNotContain(regions, r => r.Value!.Start < 13);
            // Nothing overlaps: model spans never cover the occurrences.
            var ordered = regions.OrderBy(r => r.Value!.Start).ToList();
            for (var i = 1; i < ordered.Count; i++) Assert.True(ordered[i - 1].Value!.End <= ordered[i].Value!.Start);
        }
    }

    [Fact]
    public async Task Model_score_threshold_drops_unsure_spans()
    {
        var strict = LabelStudio.Config.Replace("<Labels name=\"label\"", "<Labels model_score_threshold=\"0.95\" name=\"label\"");
        var texts = fixture.Test.Select(t => t.Text).ToList();
        var all = await fixture.Backend.PredictAsync(LabelStudio.Predict(texts, fixture.Model), fixture.Model, CancellationToken.None);
        var sure = await fixture.Backend.PredictAsync(LabelStudio.Predict(texts, fixture.Model, strict), fixture.Model, CancellationToken.None);
        Assert.All(sure.SelectMany(p => p.Result), r => Assert.True(r.Score >= 0.95));
        Assert.InRange(sure.Sum(p => p.Result.Count), 1, all.Sum(p => p.Result.Count) - 1);
    }

    [Fact]
    public async Task Concurrent_predictions_match_sequential_ones()
    {
        var texts = fixture.Test.Take(40).Select(t => t.Text).ToList();
        var expected = (await fixture.Backend.PredictAsync(LabelStudio.Predict(texts, fixture.Model), fixture.Model, CancellationToken.None))
            .Select(p => string.Join(";", Spans(p))).ToList();
        var parallel = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            var predictions = await fixture.Backend.PredictAsync(LabelStudio.Predict(texts, fixture.Model), fixture.Model, CancellationToken.None);
            return predictions.Select(p => string.Join(";", Spans(p))).ToList();
        })));
        Assert.All(parallel, result => Assert.Equal(expected, result));
    }

    [Fact]
    public async Task Training_fails_clearly_on_unusable_input()
    {
        var backend = new NerBackend();
        var directory = Path.Combine(Path.GetTempPath(), "ner-bad-" + Guid.NewGuid().ToString("N"));
        var noLabels = "<View><Choices name=\"c\" toName=\"text\"><Choice value=\"A\"/></Choices><Text name=\"text\" value=\"$text\"/></View>";
        var error = await Assert.ThrowsAsync<LabelConfigException>(() => backend.TrainAsync(LabelStudio.Training(fixture.Train.Take(5), directory, noLabels), CancellationToken.None));
        Assert.Contains("<Labels>", error.Message);

        var empty = fixture.Train.Take(5).Select(t => t with { Spans = [] });
        var nothing = await Assert.ThrowsAsync<InvalidOperationException>(() => backend.TrainAsync(LabelStudio.Training(empty, directory), CancellationToken.None));
        Assert.Contains("Nothing to learn", nothing.Message);

        var badParams = ExtraParams.Parse("""{"ner_classifier":"svm"}""");
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => backend.TrainAsync(LabelStudio.Training(fixture.Train.Take(5), directory, extra: badParams), CancellationToken.None));
        Assert.Contains("ner_classifier", bad.Message);
    }

    [Fact]
    public async Task Loading_a_folder_that_is_not_a_model_fails_clearly()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("ner-empty-").FullName;
        try
        {
            var error = await Assert.ThrowsAsync<FileNotFoundException>(() => fixture.Backend.LoadAsync(LabelStudio.Load(directory), CancellationToken.None).AsTask());
            Assert.Contains("not a NER model folder", error.Message);
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_model_saved_with_other_features_asks_for_a_retrain()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("ner-old-").FullName;
        try
        {
            foreach (var file in System.IO.Directory.GetFiles(fixture.Directory)) File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            var metadata = Path.Combine(directory, NerModel.MetadataFile);
            var json = File.ReadAllText(metadata);
            var current = $"\"feature_version\": {Plugins.Ner.Features.TokenFeaturizer.Version}";
            Assert.Contains(current, json);
            File.WriteAllText(metadata, json.Replace(current, "\"feature_version\": 1"));

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => fixture.Backend.LoadAsync(LabelStudio.Load(directory), CancellationToken.None).AsTask());
            Assert.Contains("feature version 1", error.Message);
            Assert.Contains("retrain", error.Message);
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_saved_model_carries_the_lexicon_of_its_training_texts()
    {
        var names = fixture.Train.SelectMany(t => t.Spans.Select(s => t.Text[s.Start..s.End])).Where(n => !n.Contains(' ')).ToList();
        Assert.NotEmpty(names);
        Assert.True(fixture.Model.Lexicon.Count > 100, $"only {fixture.Model.Lexicon.Count} words");
        foreach (var name in names.Take(20))
            Assert.True(fixture.Model.Lexicon[name.ToLowerInvariant()].InEntity > 0, $"'{name}' is not counted as an entity word");
    }

    [Fact]
    public async Task Bilou_with_sdca_trains_through_extra_params_and_decodes_valid_entities()
    {
        var backend = new NerBackend();
        var directory = Path.Combine(Path.GetTempPath(), "ner-bilou-" + Guid.NewGuid().ToString("N"));
        try
        {
            var extra = ExtraParams.Parse("""{"ner_scheme":"bilou","ner_classifier":"sdca"}""");
            await backend.TrainAsync(LabelStudio.Training(fixture.Train.Take(200), directory, extra: extra), CancellationToken.None);
            var model = (await backend.LoadAsync(LabelStudio.Load(directory), CancellationToken.None))!;
            Assert.Equal(PluginHost.Plugins.Ner.Tagging.TagScheme.Bilou, model.Metadata.Scheme);
            Assert.Equal("SdcaMaximumEntropy", model.Metadata.Trainer);
            var texts = fixture.Test.Take(50).Select(t => t.Text).ToList();
            var predictions = await backend.PredictAsync(LabelStudio.Predict(texts, model), model, CancellationToken.None);
            Assert.Contains(predictions, p => p.Result.Count > 0);
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }
}
