using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Plugins.Ner.Training;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;

namespace PluginHost.Ner.Tests;

/// <summary>Builds the objects the host hands a backend, as Label Studio's JSON would produce them.</summary>
internal static class LabelStudio
{
    public const string Config = """
        <View>
          <Labels name="label" toName="text">
            <Label value="PER"/><Label value="ORG"/><Label value="LOC"/>
          </Labels>
          <Text name="text" value="$text"/>
        </View>
        """;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static LabelStudioTask Task(long id, string text) =>
        new() { Id = id, Data = new Dictionary<string, JsonElement> { ["text"] = JsonSerializer.SerializeToElement(text) } };

    public static AnnotationRegion Region(string text, CharSpan span, string fromName = "label") =>
        JsonSerializer.Deserialize<AnnotationRegion>(JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid().ToString("N")[..10],
            from_name = fromName,
            to_name = "text",
            type = "labels",
            origin = "manual",
            value = new { start = span.Start, end = span.End, text = text[span.Start..span.End], labels = new[] { span.Label } },
        }), Json)!;

    public static TrainingExample Example(long id, AnnotatedText text) =>
        new(Task(id, text.Text), new Annotation { Id = id, Result = text.Spans.Select(s => Region(text.Text, s)).ToList() });

    public static TrainingContext Training(IEnumerable<AnnotatedText> texts, string directory, string config = Config, ExtraParams? extra = null,
        IProgress<double>? progress = null) => new()
    {
        BackendName = "ner",
        Project = new ProjectRef("1"),
        LabelConfig = LabelConfig.Parse(config),
        Examples = texts.Select((t, i) => Example(i + 1, t)).ToList(),
        OutputDirectory = directory,
        ExtraParams = extra ?? ExtraParams.Empty,
        Progress = progress ?? new Progress<double>(),
        Logger = NullLogger.Instance,
    };

    public static ModelLoadContext Load(string? directory) => new()
    {
        BackendName = "ner",
        Project = new ProjectRef("1"),
        Directory = directory,
        VersionName = directory is null ? null : "v1",
        Logger = NullLogger.Instance,
    };

    public static PredictContext Predict(IEnumerable<string> texts, object? model, string? config = Config, InteractiveContext? interactive = null) => new()
    {
        BackendName = "ner",
        Project = new ProjectRef("1"),
        LabelConfig = config is null ? null : LabelConfig.Parse(config),
        ExtraParams = ExtraParams.Empty,
        Logger = NullLogger.Instance,
        State = new NoState(),
        ModelVersion = "v1",
        Tasks = texts.Select((t, i) => Task(i + 1, t)).ToList(),
        Interactive = interactive,
        Model = model,
    };

    private sealed class NoState : IProjectState
    {
        public string? Get(string key) => null;

        public ValueTask SetAsync(string key, string value, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
