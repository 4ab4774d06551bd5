using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Sdk.Protocol;

/// <summary><c>POST /predict</c>: batch pre-annotation, interactive labelling and "Send Test Request".</summary>
internal sealed class PredictRequest
{
    /// <summary>A list of tasks; a single task object is accepted too, as the Python SDK does.</summary>
    [JsonConverter(typeof(SingleOrListConverter<LabelStudioTask>))]
    public List<LabelStudioTask>? Tasks { get; init; }

    public ProjectRef? Project { get; init; }

    public string? LabelConfig { get; init; }

    public PredictParams? Params { get; init; }

    /// <summary>Sent by older Label Studio versions only.</summary>
    public string? ModelVersion { get; init; }
}

internal sealed class PredictParams
{
    public string? Login { get; init; }

    public string? Password { get; init; }

    /// <summary>The annotator's prompt in interactive mode; null for batch predictions.</summary>
    public InteractiveContext? Context { get; init; }
}

/// <summary><c>POST /setup</c>.</summary>
internal sealed class SetupRequest
{
    public ProjectRef? Project { get; init; }

    public string? Schema { get; init; }

    public string? Hostname { get; init; }

    public string? AccessToken { get; init; }

    public ExtraParams? ExtraParams { get; init; }

    public string? ModelVersion { get; init; }
}

/// <summary><c>POST /webhook</c>: <c>{"action": EVENT, ...payload}</c>.</summary>
internal sealed class WebhookEvent
{
    public string? Action { get; init; }

    public ProjectRef? Project { get; init; }

    /// <summary>One annotation, or a list for <c>ANNOTATIONS_CREATED</c>.</summary>
    [JsonConverter(typeof(SingleOrListConverter<Annotation>))]
    public List<Annotation>? Annotation { get; init; }

    /// <summary><c>ANNOTATIONS_DELETED</c> sends <c>[{"id":…}]</c> here.</summary>
    public List<Annotation>? Annotations { get; init; }

    [JsonConverter(typeof(SingleOrListConverter<LabelStudioTask>))]
    public List<LabelStudioTask>? Task { get; init; }

    [JsonConverter(typeof(SingleOrListConverter<LabelStudioTask>))]
    public List<LabelStudioTask>? Tasks { get; init; }
}

/// <summary>Legacy <c>POST /train</c>: every annotated task of the project.</summary>
internal sealed class TrainRequest
{
    public List<LabelStudioTask>? Annotations { get; init; }

    public ProjectRef? Project { get; init; }

    public string? LabelConfig { get; init; }

    public PredictParams? Params { get; init; }
}

/// <summary>Reads either a JSON array of <typeparamref name="T"/> or a single object as a one-item list.</summary>
internal sealed class SingleOrListConverter<T> : JsonConverter<List<T>>
{
    public override List<T>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var info = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                var list = new List<T>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var item = JsonSerializer.Deserialize(ref reader, info);
                    if (item is not null) list.Add(item);
                }
                return list;
            case JsonTokenType.StartObject:
                var single = JsonSerializer.Deserialize(ref reader, info);
                return single is null ? [] : [single];
            default:
                throw new JsonException($"Expected an object or a list of objects, not {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, List<T> value, JsonSerializerOptions options)
        => JsonSerializer.Serialize(writer, value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<T>>)options.GetTypeInfo(typeof(List<T>)));
}
