using System.Net;

namespace PluginHost.Sdk.Data;

/// <summary>A Label Studio API call failed: the message names Label Studio, the request and the reason.</summary>
internal sealed class LabelStudioApiException(string message, Exception? inner = null, HttpStatusCode? statusCode = null) : Exception(message, inner)
{
    /// <summary>The HTTP status Label Studio answered, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;
}
