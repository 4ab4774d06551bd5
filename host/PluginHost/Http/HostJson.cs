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

/// <summary>Every error: <c>{"status":404,"detail":"…"}</c>, as the Python SDK's envelope.</summary>
public sealed record ApiError(int Status, string Detail, string? Backend = null, IReadOnlyList<string>? Diagnostics = null, string? Traceback = null);

/// <summary><c>GET /health</c>: every backend, and the prediction jobs running or recently finished.</summary>
public sealed record HostHealth(string Status, string ModelClass, string? DefaultBackend, IReadOnlyList<BackendHealth> Backends,
    IReadOnlyList<Jobs.PredictionJobInfo>? Jobs = null);

public sealed record BackendHealth(string Status, string ModelClass, string Name, string State, string? ModelVersion,
    string? Origin, DateTimeOffset? LoadedAt, string? Error, IReadOnlyList<string>? Diagnostics);

public sealed record SetupAnswer(string ModelVersion, string Status = "ok");

public sealed record StatusAnswer(string Status, string? Detail = null);
