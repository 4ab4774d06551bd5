using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;

namespace MyBackend.Tests;

public sealed class MyBackendBackendTests
{
    private const string Config = """
        <View>
          <Text name="text" value="$review"/>
          <Choices name="sentiment" toName="text">
            <Choice value="Positive"/><Choice value="Negative"/>
          </Choices>
        </View>
        """;

    private readonly MyBackendBackend _backend = new(Options.Create(new MyBackendSettings()), NullLogger<MyBackendBackend>.Instance);

    [Fact]
    public async Task Untrained_it_predicts_a_label_whose_name_appears_in_the_text()
    {
        var predictions = await _backend.PredictAsync(Context(Task(1, "Clearly positive, I liked it"), Task(2, "no opinion")), model: null, CancellationToken.None);

        Assert.Equal(2, predictions.Count); // one per task, in order
        var region = Assert.Single(predictions[0].Result);
        Assert.Equal("sentiment", region.FromName);
        Assert.Equal("text", region.ToName);
        Assert.Equal("choices", region.Type);
        Assert.Equal(["Positive"], region.Value?.Choices);
        Assert.Empty(predictions[1].Result);
    }

    [Fact]
    public async Task Trained_it_predicts_from_the_words_of_annotated_texts()
    {
        var output = Directory.CreateTempSubdirectory("mybackend-test-").FullName;
        try
        {
            await _backend.TrainAsync(new TrainingContext
            {
                BackendName = "mybackend",
                Project = new ProjectRef("1"),
                LabelConfig = LabelConfig.Parse(Config),
                Examples = [Example("great food and lovely staff", "Positive"), Example("awful food and rude staff", "Negative")],
                OutputDirectory = output,
                ExtraParams = ExtraParams.Empty,
                Progress = new Progress<double>(),
                Logger = NullLogger.Instance,
            }, CancellationToken.None);
            var model = await KeywordModel.LoadAsync(output, CancellationToken.None);

            var predictions = await _backend.PredictAsync(Context(Task(1, "rude and awful")), model, CancellationToken.None);

            Assert.Equal(["Negative"], Assert.Single(predictions[0].Result).Value?.Choices);
            Assert.InRange(predictions[0].Score ?? 0, 0.5, 1);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static PredictContext Context(params LabelStudioTask[] tasks) => new()
    {
        BackendName = "mybackend",
        Project = new ProjectRef("1"),
        LabelConfig = LabelConfig.Parse(Config),
        ExtraParams = ExtraParams.Empty,
        Logger = NullLogger.Instance,
        State = new MemoryState(),
        ModelVersion = "mybackend-test",
        Tasks = tasks,
    };

    private static LabelStudioTask Task(long id, string review) =>
        new() { Id = id, Data = new() { ["review"] = JsonSerializer.SerializeToElement(review) } };

    private static TrainingExample Example(string review, string label) => new(Task(0, review), new Annotation
    {
        Result =
        [
            new AnnotationRegion
            {
                FromName = "sentiment",
                ToName = "text",
                Type = "choices",
                Value = JsonSerializer.SerializeToElement(new { choices = new[] { label } }),
            },
        ],
    });

    private sealed class MemoryState : IProjectState
    {
        private readonly Dictionary<string, string> _values = [];

        public string? Get(string key) => _values.GetValueOrDefault(key);

        public ValueTask SetAsync(string key, string value, CancellationToken cancellationToken)
        {
            _values[key] = value;
            return ValueTask.CompletedTask;
        }
    }
}
