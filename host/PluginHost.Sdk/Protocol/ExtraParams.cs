using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// The backend's <c>extra_params</c> from Label Studio's ML settings. Label Studio stores a JSON field that
/// arrives either as an object or as a string holding JSON; both are accepted. A string that is not a JSON
/// object is kept in <see cref="Raw"/>.
/// </summary>
[JsonConverter(typeof(ExtraParamsConverter))]
public sealed class ExtraParams
{
    private readonly JsonElement _object;

    public static ExtraParams Empty { get; } = new(default, null);

    internal ExtraParams(JsonElement obj, string? raw)
    {
        _object = obj;
        Raw = raw;
    }

    /// <summary>The text as received, when it was a string.</summary>
    public string? Raw { get; }

    public bool IsEmpty => _object.ValueKind != JsonValueKind.Object;

    public static ExtraParams Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return Empty;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? new ExtraParams(doc.RootElement.Clone(), json) : new ExtraParams(default, json);
        }
        catch (JsonException)
        {
            return new ExtraParams(default, json);
        }
    }

    public bool TryGet(string key, out JsonElement value)
    {
        if (_object.ValueKind == JsonValueKind.Object && _object.TryGetProperty(key, out value)) return true;
        value = default;
        return false;
    }

    public string? GetString(string key) => TryGet(key, out var v)
        ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
        : null;

    /// <summary>Reads a flag given as a JSON boolean or as "true"/"false"/"1"/"0".</summary>
    public bool GetBool(string key, bool fallback = false)
    {
        if (!TryGet(key, out var v)) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.GetDouble() != 0,
            JsonValueKind.String => v.GetString()?.Trim().ToLowerInvariant() switch
            {
                "true" or "1" or "yes" => true,
                "false" or "0" or "no" => false,
                _ => fallback,
            },
            _ => fallback,
        };
    }

    public double GetDouble(string key, double fallback)
    {
        if (!TryGet(key, out var v)) return fallback;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        return v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : fallback;
    }

    /// <summary>The JSON text to persist: the object, or the raw string.</summary>
    public string ToJson() => _object.ValueKind == JsonValueKind.Object ? _object.GetRawText() : Raw ?? "";

    internal void WriteTo(Utf8JsonWriter writer)
    {
        if (_object.ValueKind == JsonValueKind.Object) _object.WriteTo(writer);
        else if (Raw is not null) writer.WriteStringValue(Raw);
        else writer.WriteNullValue();
    }
}

internal sealed class ExtraParamsConverter : JsonConverter<ExtraParams>
{
    public override ExtraParams? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return ExtraParams.Empty;
            case JsonTokenType.String:
                return ExtraParams.Parse(reader.GetString());
            default:
                using (var doc = JsonDocument.ParseValue(ref reader))
                    return doc.RootElement.ValueKind == JsonValueKind.Object
                        ? new ExtraParams(doc.RootElement.Clone(), null)
                        : new ExtraParams(default, doc.RootElement.GetRawText());
        }
    }

    public override void Write(Utf8JsonWriter writer, ExtraParams value, JsonSerializerOptions options) => value.WriteTo(writer);
}
