using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Http;

/// <summary>
/// Decides once, before any backend runs, what no backend can use: a task whose <c>data</c> is not an object, and text
/// that is not Unicode (invalid UTF-8 bytes, or a lone surrogate such as <c>"\ud800"</c> in an escape). Such a request
/// is the client's fault and answers 400 on every backend alike, instead of a 500 in the backends that read the text.
/// </summary>
internal static class PredictRequestValidator
{
    public static void Validate(IReadOnlyList<LabelStudioTask> tasks, InteractiveContext? context, string backend)
    {
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task is null)
                throw new HttpError(StatusCodes.Status400BadRequest, $"Task #{i} is null; each task is an object with a 'data' object.", backend);
            if (task.Data is null)
                throw new HttpError(StatusCodes.Status400BadRequest, $"Task {Describe(task, i)} has no 'data' object ('data' is null).", backend);
            foreach (var (key, value) in task.Data)
                if (FindInvalidText(value) is { } problem)
                    throw new HttpError(StatusCodes.Status400BadRequest, $"Task {Describe(task, i)}: data.{key} {problem}.", backend);
        }
        if (context?.Result is { } regions)
        {
            foreach (var region in regions)
                if (region is not null && FindInvalidText(region.Value) is { } problem)
                    throw new HttpError(StatusCodes.Status400BadRequest, $"The interactive context's region '{region.Id}' {problem}.", backend);
        }
    }

    /// <summary>Why a string inside <paramref name="element"/> is not valid Unicode text, or null when all are.</summary>
    internal static string? FindInvalidText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return CheckString(element);
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    if (FindInvalidText(item) is { } problem) return problem;
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                    if (FindInvalidText(property.Value) is { } problem) return problem;
                return null;
            default:
                return null;
        }
    }

    private static string? CheckString(JsonElement element)
    {
        // The raw bytes as received (quotes and escapes included): no copy for the common case.
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (!Utf8.IsValid(raw)) return "holds bytes that are not valid UTF-8";
        if (raw.IndexOf("\\u"u8) < 0) return null;
        // Escapes can spell a lone surrogate (\ud800), which is no character: decode and look.
        string text;
        try
        {
            text = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return "holds a lone surrogate or another escape that is not valid UTF-16";
        }
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return $"holds a lone surrogate (\\u{(int)text[i]:x4}) at character {i}, which is not text";
        }
        return null;
    }

    private static string Describe(LabelStudioTask task, int index) => task.Id != 0 ? task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"#{index}";
}
