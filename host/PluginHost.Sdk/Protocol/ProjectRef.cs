using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// The project a request belongs to. Label Studio sends it as <c>"6.1710967805"</c> (predict, setup, train),
/// as an object <c>{"id":6,...}</c> (webhooks) or as a bare number (inside tasks); all three land here
/// (docs/protocol.md §1.2, §6.6).
/// </summary>
[JsonConverter(typeof(ProjectRefConverter))]
public sealed record ProjectRef(string Id, string? Raw = null, string? Title = null, string? LabelConfig = null)
{
    /// <summary>The key models, state and weights are stored under when a request names no project.</summary>
    public const string DefaultId = "default";

    public static ProjectRef Default { get; } = new(DefaultId);

    /// <summary>Parses <c>"&lt;id&gt;.&lt;timestamp&gt;"</c>: the id is everything before the first dot.</summary>
    public static ProjectRef FromString(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return Default;
        var dot = raw.IndexOf('.');
        var id = dot > 0 ? raw[..dot] : raw;
        return new ProjectRef(SanitizeId(id), raw);
    }

    /// <summary>Keeps ids safe to use as folder names.</summary>
    internal static string SanitizeId(string id)
    {
        Span<char> buffer = stackalloc char[Math.Min(id.Length, 64)];
        var n = 0;
        foreach (var c in id)
        {
            if (n == buffer.Length) break;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_') buffer[n++] = c;
        }
        return n == 0 ? DefaultId : new string(buffer[..n]);
    }
}

internal sealed class ProjectRefConverter : JsonConverter<ProjectRef>
{
    public override ProjectRef? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return ProjectRef.FromString(reader.GetString());
            case JsonTokenType.Number:
                var number = reader.GetInt64();
                return new ProjectRef(number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            case JsonTokenType.StartObject:
                using (var doc = JsonDocument.ParseValue(ref reader))
                {
                    var root = doc.RootElement;
                    string id = ProjectRef.DefaultId;
                    if (root.TryGetProperty("id", out var idElement))
                        id = idElement.ValueKind == JsonValueKind.Number
                            ? idElement.GetRawText()
                            : ProjectRef.SanitizeId(idElement.GetString() ?? ProjectRef.DefaultId);
                    return new ProjectRef(id, null,
                        root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null,
                        root.TryGetProperty("label_config", out var lc) && lc.ValueKind == JsonValueKind.String ? lc.GetString() : null);
                }
            default:
                throw new JsonException($"'project' must be a string, a number or an object, not {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, ProjectRef value, JsonSerializerOptions options)
        => writer.WriteStringValue(value.Raw ?? value.Id);
}
