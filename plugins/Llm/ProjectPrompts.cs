using System.Text.Json;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Llm;

/// <summary>
/// The prompt of a project, as the Python example keeps it: the annotator's prompt <c>TextArea</c> in an interactive
/// request wins and is stored in the project's state; batch requests use the stored one, else the default prompt.
/// </summary>
internal static class ProjectPrompts
{
    private const string KeyPrefix = "llm.prompt.";

    /// <summary>The prompt the annotator sent in the interactive context (its lines joined), or null.</summary>
    public static string? FromContext(InteractiveContext context, ControlTag? promptControl)
    {
        if (promptControl is null) return null;
        foreach (var region in context.Result ?? [])
        {
            if (region.FromName != promptControl.Name || region.Value.ValueKind != JsonValueKind.Object) continue;
            if (!region.Value.TryGetProperty("text", out var text)) continue;
            var lines = text.ValueKind switch
            {
                JsonValueKind.Array => text.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList(),
                JsonValueKind.String => [text.GetString()!],
                _ => [],
            };
            var prompt = string.Join("\n", lines);
            if (!string.IsNullOrWhiteSpace(prompt)) return prompt;
        }
        return null;
    }

    public static string? Stored(IProjectState state, ControlTag? promptControl) => state.Get(Key(promptControl));

    /// <summary>Stores the prompt when it changed (a disk write only then, not on every interactive request).</summary>
    public static async ValueTask StoreAsync(IProjectState state, ControlTag? promptControl, string prompt, CancellationToken cancellationToken)
    {
        var key = Key(promptControl);
        if (state.Get(key) != prompt) await state.SetAsync(key, prompt, cancellationToken).ConfigureAwait(false);
    }

    private static string Key(ControlTag? promptControl) => KeyPrefix + (promptControl?.Name ?? "default");
}
