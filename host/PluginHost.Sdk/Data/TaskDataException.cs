using System.Net;

namespace PluginHost.Sdk.Data;

/// <summary>A task data value could not be fetched. The message names the value and the reason (e.g. HTTP 401, timeout).</summary>
internal sealed class TaskDataException : Exception
{
    public TaskDataException(string url, string reason, HttpStatusCode? statusCode = null, Exception? inner = null)
        : base($"Cannot read task data '{Shorten(url)}': {reason}", inner)
    {
        Url = url;
        Reason = reason;
        StatusCode = statusCode;
    }

    /// <summary>The task data value (or the URL derived from it) that failed.</summary>
    public string Url { get; }

    public string Reason { get; }

    /// <summary>The HTTP status Label Studio or the remote host answered, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>True when the host refused the fetch by policy (a loopback, link-local or private address that is not
    /// Label Studio's and not in <see cref="TaskDataOptions.AllowedHosts"/>): the request's fault, a 403 over HTTP.</summary>
    public bool IsRefusedByPolicy { get; init; }

    // data: URIs can be megabytes long; keep messages readable.
    private static string Shorten(string url) => url.Length <= 300 ? url : url[..300] + "…";
}
