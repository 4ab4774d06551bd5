using System.Text.Json.Serialization;
using PluginHost.Plugins.Ner.Tagging;
using PluginHost.Plugins.Ner.Training;

namespace PluginHost.Plugins.Ner.Model;

/// <summary>Everything about a trained model besides the ML.NET pipeline: stored as <c>ner.json</c> next to it.</summary>
public sealed class NerModelMetadata
{
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    public int FeatureVersion { get; init; }

    /// <summary>The labels the model was trained with, in tag order: the label set a config change is checked against.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    [JsonConverter(typeof(JsonStringEnumConverter<TagScheme>))]
    public TagScheme Scheme { get; init; }

    public required string Trainer { get; init; }

    public float TransitionWeight { get; init; }

    public required float[] StartLog { get; init; }

    public required float[] TransitionLog { get; init; }

    /// <summary>The <see cref="Features.WordLexicon"/> learned from the training texts, one "word lower capital entity total" line per word.</summary>
    public IReadOnlyList<string> Lexicon { get; init; } = [];

    public DateTimeOffset TrainedAt { get; init; }

    public double TrainingSeconds { get; init; }

    public TrainingSetStats? Stats { get; init; }
}

/// <summary>
/// Source-generated JSON for <c>ner.json</c>. Reflection-based System.Text.Json caches metadata about the plugin's
/// types in the shared System.Text.Json assembly, which kept the plugin's load context (and its private ML.NET) from
/// ever unloading once a model had been saved or loaded (measured: never collected; collected with this context).
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(NerModelMetadata))]
internal sealed partial class NerModelJson : JsonSerializerContext;
