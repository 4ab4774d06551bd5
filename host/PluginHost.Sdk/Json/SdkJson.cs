using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace PluginHost.Sdk.Json;

/// <summary>
/// The one JSON setup for everything Label Studio sends and receives: snake_case names, case-insensitive reads
/// (Label Studio and the Python SDK are not consistent), nulls left out on write (Label Studio rejects
/// <c>model_version: null</c>). Read-only, so it can be shared freely.
/// </summary>
public static class SdkJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            PropertyNameCaseInsensitive = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.MakeReadOnly();
        return options;
    }
}
