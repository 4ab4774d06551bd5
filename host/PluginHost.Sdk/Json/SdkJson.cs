using System.Text.Json;
using System.Text.Json.Serialization;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Json;

/// <summary>
/// The JSON settings of the Label Studio protocol: snake_case names, tolerant reading (any case, numbers in strings,
/// unknown fields ignored), nulls never written. Source-generated, so the hot path does no reflection.
/// </summary>
internal static class SdkJson
{
    public static JsonSerializerOptions Options => SdkJsonContext.Default.Options;

    public static SdkJsonContext Context => SdkJsonContext.Default;
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    AllowTrailingCommas = true,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(PredictRequest))]
[JsonSerializable(typeof(SetupRequest))]
[JsonSerializable(typeof(WebhookEvent))]
[JsonSerializable(typeof(TrainRequest))]
[JsonSerializable(typeof(PredictResponse))]
[JsonSerializable(typeof(Prediction))]
[JsonSerializable(typeof(Region))]
[JsonSerializable(typeof(LabelStudioTask))]
[JsonSerializable(typeof(List<LabelStudioTask>))]
[JsonSerializable(typeof(Annotation))]
[JsonSerializable(typeof(List<Annotation>))]
[JsonSerializable(typeof(AnnotationRegion))]
internal sealed partial class SdkJsonContext : JsonSerializerContext;
