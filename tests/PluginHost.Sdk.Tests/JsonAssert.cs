using System.Text.Json;
using PluginHost.Sdk.Json;

namespace PluginHost.Sdk.Tests;

/// <summary>Compares JSON by meaning: same keys and values, any key order, numbers by value (0.0 == 0).</summary>
internal static class JsonAssert
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, SdkJson.Options);

    public static void Equal(string expected, string actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        var difference = Difference(e.RootElement, a.RootElement, "$");
        Assert.True(difference is null, $"{difference}\nexpected: {expected}\nactual:   {actual}");
    }

    public static void SerializesTo<T>(string expected, T value) => Equal(expected, Serialize(value));

    private static string? Difference(JsonElement e, JsonElement a, string path)
    {
        if (e.ValueKind != a.ValueKind) return $"{path}: expected {e.ValueKind}, got {a.ValueKind}";
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedNames = e.EnumerateObject().Select(p => p.Name).ToHashSet();
                var actualNames = a.EnumerateObject().Select(p => p.Name).ToHashSet();
                if (!expectedNames.SetEquals(actualNames))
                    return $"{path}: keys differ; missing [{string.Join(",", expectedNames.Except(actualNames))}], extra [{string.Join(",", actualNames.Except(expectedNames))}]";
                if (a.EnumerateObject().Count() != actualNames.Count) return $"{path}: duplicate keys";
                foreach (var p in e.EnumerateObject())
                    if (Difference(p.Value, a.GetProperty(p.Name), $"{path}.{p.Name}") is { } d) return d;
                return null;
            case JsonValueKind.Array:
                if (e.GetArrayLength() != a.GetArrayLength()) return $"{path}: expected {e.GetArrayLength()} items, got {a.GetArrayLength()}";
                for (var i = 0; i < e.GetArrayLength(); i++)
                    if (Difference(e[i], a[i], $"{path}[{i}]") is { } d) return d;
                return null;
            case JsonValueKind.Number:
                return Math.Abs(e.GetDouble() - a.GetDouble()) <= 1e-12 ? null : $"{path}: expected {e.GetRawText()}, got {a.GetRawText()}";
            case JsonValueKind.String:
                return e.GetString() == a.GetString() ? null : $"{path}: expected \"{e.GetString()}\", got \"{a.GetString()}\"";
            default:
                return null;
        }
    }
}
