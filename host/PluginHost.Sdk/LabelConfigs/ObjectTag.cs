using System.Xml;

namespace PluginHost.Sdk.LabelConfigs;

/// <summary>An object tag: what is annotated (Text, Image, Audio…).</summary>
public sealed class ObjectTag
{
    internal ObjectTag(string tag, IReadOnlyDictionary<string, string> attributes)
    {
        Tag = tag;
        Attributes = attributes;
        Name = attributes.GetValueOrDefault("name") ?? "";
        // An image list reads its URLs from valueList="$images".
        Value = attributes.GetValueOrDefault("valueList") is { Length: > 0 } list ? list : attributes.GetValueOrDefault("value") ?? "";
        ValueKey = Value.StartsWith('$') ? Value[1..] : Value;
    }

    /// <summary>The tag as written, e.g. <c>Text</c>.</summary>
    public string Tag { get; }

    /// <summary>The tag lowercased, e.g. <c>text</c>.</summary>
    public string Type => Tag.ToLowerInvariant();

    public string Name { get; }

    /// <summary>The <c>value</c> attribute, e.g. <c>$text</c>.</summary>
    public string Value { get; }

    /// <summary>The task data key the object reads: <c>text</c> for <c>value="$text"</c>.</summary>
    public string ValueKey { get; }

    /// <summary>True when the value is a task variable (<c>$text</c>) rather than a literal.</summary>
    public bool ValueIsVariable => Value.Length > 1 && Value[0] == '$' && !Value.AsSpan(1).ContainsAny(' ', ',');

    public IReadOnlyDictionary<string, string> Attributes { get; }
}
