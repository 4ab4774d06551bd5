namespace PluginHost.Plugins.Llm;

/// <summary>What one control of the label config asks the model for.</summary>
internal enum OutputKind
{
    /// <summary><c>Choices</c>: one (or, with <c>choice="multiple"</c>, several) of its labels.</summary>
    Choices,

    /// <summary><c>Labels</c> on <c>Text</c>: spans copied from the text, each with a label.</summary>
    Spans,

    /// <summary><c>TextArea</c>: free text.</summary>
    Text,

    /// <summary><c>Rating</c>: 1 to <c>maxRating</c>.</summary>
    Rating,

    /// <summary><c>Number</c>: within <c>min</c>/<c>max</c>.</summary>
    Number,
}
