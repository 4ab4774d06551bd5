namespace PluginHost.Jobs;

/// <summary>A job cannot run as asked (no Label Studio connection, an unreadable label config).</summary>
public sealed class JobConfigurationException(string message) : Exception(message);
