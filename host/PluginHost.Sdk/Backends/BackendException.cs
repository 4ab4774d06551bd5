namespace PluginHost.Sdk.Backends;

/// <summary>
/// A failure a backend answers with a status of its choosing instead of a 500: e.g. 502 when a service it calls
/// (an LLM provider) failed, 504 when that service did not answer in time. The host answers
/// <c>{"status":StatusCode,"detail":Message,"backend":…}</c>. Never put secrets in the message: it goes to the client.
/// </summary>
public class BackendException : Exception
{
    public BackendException(int statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        if (statusCode is < 400 or > 599)
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "A backend error status is a 4xx or 5xx HTTP status.");
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status the host answers with (4xx or 5xx).</summary>
    public int StatusCode { get; }
}
