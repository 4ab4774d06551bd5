namespace PluginHost.Training;

/// <summary>Training data that cannot be used; the message says what is wrong.</summary>
public sealed class TrainingDataException(string message, Exception? inner = null) : Exception(message, inner);
