using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PluginHost.Sdk.Data;

/// <summary>
/// Authenticated HTTP to Label Studio: the one mechanism task data and training pulls share. A legacy key is sent as
/// <c>Authorization: Token …</c>; a personal access token is exchanged at <c>POST /api/token/refresh/</c> for a
/// short-lived access token sent as <c>Bearer</c>, renewed before it expires and once when Label Studio answers 401.
/// The key is only ever sent to the connection's own origin (see <see cref="LabelStudioConnection.Authenticates"/>).
/// </summary>
internal interface ILabelStudioApi
{
    /// <summary>
    /// Sends one request and returns the answer, whatever its status, with the headers read (the caller disposes it).
    /// Redirects are not followed: a caller that follows one calls again, and the next hop is authenticated only
    /// when it is on Label Studio's origin.
    /// </summary>
    /// <param name="connection">The Label Studio to authenticate to (from <see cref="ILabelStudioConnections"/>).</param>
    /// <param name="method">The HTTP method.</param>
    /// <param name="target">An absolute URL (any host), or a path relative to the connection's URL (kept path prefix).</param>
    /// <param name="cancellationToken">Cancels the token exchange and the request.</param>
    /// <exception cref="LabelStudioApiException">The personal access token is expired or cannot be exchanged.</exception>
    /// <exception cref="HttpRequestException">The host is unreachable.</exception>
    Task<HttpResponseMessage> SendAsync(LabelStudioConnection connection, HttpMethod method, Uri target, CancellationToken cancellationToken);

    /// <summary>As <see cref="SendAsync(LabelStudioConnection, HttpMethod, Uri, CancellationToken)"/>, with a body:
    /// <paramref name="content"/> makes a fresh body for each send (a renewed token resends the request).</summary>
    Task<HttpResponseMessage> SendAsync(LabelStudioConnection connection, HttpMethod method, Uri target, Func<HttpContent>? content,
        CancellationToken cancellationToken);
}

/// <summary>The default <see cref="ILabelStudioApi"/>: one connection pool and one token cache per Label Studio and key.</summary>
internal sealed class LabelStudioApiClient : ILabelStudioApi, IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger<LabelStudioApiClient> _logger;
    private readonly ConcurrentDictionary<(string BaseUrl, string Key), LabelStudioAuthenticator> _authenticators = new();

    public LabelStudioApiClient(IOptions<TaskDataOptions> options, TimeProvider time, ILogger<LabelStudioApiClient> logger)
    {
        _time = time;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            // Redirects are the caller's: an automatic one could carry the Authorization header to another host.
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
            // Resolves, refuses non-public addresses (except Label Studio's origin and allowed hosts), then connects
            // to exactly the checked addresses.
            ConnectCallback = new NetworkGuard(options.Value).ConnectAsync,
        };
        if (!options.Value.VerifySsl) handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        // Callers bound their own calls (a download, a pull) with their cancellation tokens.
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("PluginHost", "1.0"));
    }

    public Task<HttpResponseMessage> SendAsync(LabelStudioConnection connection, HttpMethod method, Uri target, CancellationToken cancellationToken) =>
        SendAsync(connection, method, target, null, cancellationToken);

    public async Task<HttpResponseMessage> SendAsync(LabelStudioConnection connection, HttpMethod method, Uri target, Func<HttpContent>? content,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(target);
        if (!target.IsAbsoluteUri)
            target = connection.BaseUri is { } baseUri
                ? new Uri(TaskDataUrls.Combine(baseUri, target.OriginalString))
                : throw new ArgumentException($"'{target}' is relative, but no Label Studio URL is known.", nameof(target));
        var authenticator = connection.Authenticates(target)
            ? _authenticators.GetOrAdd((connection.BaseUri.GetLeftPart(UriPartial.Path), connection.ApiKey),
                key => new LabelStudioAuthenticator(connection.BaseUri, key.Key, _http, _time, _logger))
            : null;
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, target) { Content = content?.Invoke() };
            if (connection.BaseUri is { } origin && TaskDataUrls.SameOrigin(target, origin)) NetworkGuard.MarkLabelStudioOrigin(request);
            string? authorization = null;
            if (authenticator is not null)
            {
                authorization = await authenticator.GetHeaderAsync(cancellationToken).ConfigureAwait(false);
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            // An exchanged access token can be revoked or expire early: exchange the personal access token again, once.
            if (response.StatusCode != HttpStatusCode.Unauthorized || attempt > 0 || authenticator is null || !authenticator.Invalidate(authorization!))
                return response;
            response.Dispose();
        }
    }

    public void Dispose() => _http.Dispose();
}
