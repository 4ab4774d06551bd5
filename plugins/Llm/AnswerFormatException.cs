namespace PluginHost.Plugins.Llm;

/// <summary>The model answered something that is not the JSON object asked for.</summary>
internal sealed class AnswerFormatException(string message) : Exception(message);
