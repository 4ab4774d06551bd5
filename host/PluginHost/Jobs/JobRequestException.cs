namespace PluginHost.Jobs;

/// <summary>A job request that cannot be accepted: the HTTP status to answer and why.</summary>
public sealed class JobRequestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
