using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using PluginHost.Backends;
using PluginHost.Sdk.Json;
using PluginHost.Training;

namespace PluginHost.Http;

/// <summary>The host's own response bodies, serialized with the protocol's settings.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]

[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(HostHealth))]
[JsonSerializable(typeof(BackendHealth))]
[JsonSerializable(typeof(SetupAnswer))]
[JsonSerializable(typeof(TrainingAnswer))]
[JsonSerializable(typeof(VersionList))]
[JsonSerializable(typeof(ActivationAnswer))]
[JsonSerializable(typeof(TrainingJobInfo))]
[JsonSerializable(typeof(StatusAnswer))]
[JsonSerializable(typeof(BackendMetricsSnapshot))]
internal sealed partial class HostJsonContext : JsonSerializerContext;

internal static class HostJson
{
    /// <summary>Host bodies first, then the SDK's protocol types.</summary>
    public static readonly JsonSerializerOptions Options = new(SdkJson.Options)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(HostJsonContext.Default, SdkJsonContext.Default),
    };

    public static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}
