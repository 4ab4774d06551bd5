namespace PluginHost.Http;

/// <summary>An answer grew past <c>MaxResponseBytes</c> while it was being written to memory.</summary>
internal sealed class ResponseTooLargeException(long limit) : Exception($"The answer is larger than {limit} bytes (MaxResponseBytes).")
{
    public long Limit { get; } = limit;
}
