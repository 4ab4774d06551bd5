using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Llm;

/// <summary>
/// The messages for one task: the schema's instructions as the system message, then the project's prompt with the
/// task's fields filled in (<c>{text}</c>, <c>{field}</c>, <c>{labels}</c>) and the task's images as image content.
/// A prompt naming no field gets the text around it as the Python example's internal template does.
/// </summary>
internal sealed partial class PromptBuilder(ITaskDataResolver? data)
{
    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")]
    private static partial Regex Placeholder();

    public async Task<List<ChatMessage>> BuildAsync(string prompt, AnnotationSchema schema, LabelStudioTask task, ProjectRef project,
        bool jsonMode, CancellationToken cancellationToken)
    {
        var system = jsonMode
            ? schema.Instructions + "\nAnswer with JSON only, matching this JSON schema:\n" + schema.Schema.GetRawText()
            : schema.Instructions;
        var user = new List<AIContent> { new TextContent(Fill(prompt, schema, task)) };
        foreach (var image in schema.ImageObjects)
        {
            if (task.GetData(image.ValueKey) is { Length: > 0 } value)
                user.Add(await ImageAsync(value, task, project, cancellationToken).ConfigureAwait(false));
        }
        return [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, user)];
    }

    /// <summary>The prompt with every <c>{name}</c> that names a task field (or <c>text</c>, <c>labels</c>) filled in.</summary>
    public static string Fill(string prompt, AnnotationSchema schema, LabelStudioTask task)
    {
        var mainText = schema.MainObject is { } main && main.Type != "image" ? task.GetData(main.ValueKey) : null;
        var usedField = false;
        var filled = Placeholder().Replace(prompt, match =>
        {
            var name = match.Groups[1].Value;
            if (name == "labels") return string.Join(", ", schema.Labels);
            if (task.GetData(name) is { } value)
            {
                usedField = true;
                return value;
            }
            if (name == "text" && mainText is not null)
            {
                usedField = true;
                return mainText;
            }
            return match.Value;
        });
        if (usedField || mainText is null) return filled;
        // As the Python example's internal template: the text, then the directive.
        return new StringBuilder("**Source Text**:\n\n\"").Append(mainText).Append("\"\n\n**Task Directive**:\n\n\"").Append(filled).Append('"').ToString();
    }

    private async Task<AIContent> ImageAsync(string value, LabelStudioTask task, ProjectRef project, CancellationToken cancellationToken)
    {
        if (value.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) return new DataContent(value);
        if (data is null) throw new InvalidOperationException("Images need the host's task-data resolver, which this backend was created without.");
        // Fetched here (Label Studio's uploads and cloud storage are not reachable from the provider) and sent inline.
        await using var stream = await data.OpenReadAsync(value, task.Id, project, cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var bytes = buffer.ToArray();
        return new DataContent(bytes, MediaType(bytes, value));
    }

    /// <summary>The image type from its first bytes, else from the name.</summary>
    private static string MediaType(byte[] bytes, string name)
    {
        if (bytes is [0x89, 0x50, 0x4E, 0x47, ..]) return "image/png";
        if (bytes is [0xFF, 0xD8, ..]) return "image/jpeg";
        if (bytes is [0x47, 0x49, 0x46, ..]) return "image/gif";
        if (bytes is [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..]) return "image/webp";
        return Path.GetExtension(name.Split('?')[0]).ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".gif" => "image/gif",
            ".webp" => "image/webp",
            _ => "image/jpeg",
        };
    }
}
