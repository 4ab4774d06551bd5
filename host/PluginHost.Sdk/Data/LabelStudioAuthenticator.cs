using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace PluginHost.Sdk.Data;

/// <summary>
/// The <c>Authorization</c> header for one Label Studio and one API key. Legacy tokens are sent as
/// <c>Token &lt;key&gt;</c>. Personal access tokens are JWT refresh tokens: they are exchanged at
/// <c>POST /api/token/refresh/</c> (<c>{"refresh": key}</c> → <c>{"access": jwt}</c>) and the short-lived access
/// token is sent as <c>Bearer</c>, refreshed shortly before it expires or when Label Studio rejects it.
/// </summary>
internal sealed class LabelStudioAuthenticator
{
    private static readonly TimeSpan ExpirySkew = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UnknownExpiryLifetime = TimeSpan.FromMinutes(5);

    private readonly Uri _baseUri;
    private readonly string _apiKey;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly DateTimeOffset? _refreshTokenExpiry;
    private (string Header, DateTimeOffset ValidUntil)? _access;

    public LabelStudioAuthenticator(Uri baseUri, string apiKey, HttpClient http, TimeProvider time, ILogger logger)
    {
        _baseUri = baseUri;
        _apiKey = apiKey;
        _http = http;
        _time = time;
        _logger = logger;
        IsPersonalAccessToken = Jwt.TryRead(apiKey, out _refreshTokenExpiry);
    }

    public bool IsPersonalAccessToken { get; }

    public async ValueTask<string> GetHeaderAsync(CancellationToken cancellationToken)
    {
        if (!IsPersonalAccessToken) return "Token " + _apiKey;
        if (_access is { } current && current.ValidUntil > _time.GetUtcNow()) return current.Header;
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_access is { } fresh && fresh.ValidUntil > _time.GetUtcNow()) return fresh.Header;
            var refreshed = await RefreshAsync(cancellationToken).ConfigureAwait(false);
            _access = refreshed;
            return refreshed.Header;
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>Label Studio rejected <paramref name="header"/>: forget it so the next call refreshes.
    /// Returns whether a retry can help (only exchanged access tokens can be renewed).</summary>
    public bool Invalidate(string header)
    {
        if (!IsPersonalAccessToken) return false;
        if (_access is { } current && current.Header == header) _access = null;
        return true;
    }

    /// <exception cref="LabelStudioApiException">The personal access token is expired or refused.</exception>
    /// <exception cref="HttpRequestException">Label Studio is unreachable.</exception>
    private async Task<(string Header, DateTimeOffset ValidUntil)> RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var refreshUri = new Uri(TaskDataUrls.Combine(_baseUri, "/api/token/refresh/"));
        if (_refreshTokenExpiry is { } expiry && expiry <= now)
            throw new LabelStudioApiException(
                $"The personal access token expired at {expiry:u}; create a new one in Label Studio at {_baseUri} (Account & Settings).");

        using var request = new HttpRequestMessage(HttpMethod.Post, refreshUri) { Content = JsonContent.Create(new { refresh = _apiKey }) };
        NetworkGuard.MarkLabelStudioOrigin(request); // Label Studio's own origin: a private address is fine there
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new LabelStudioApiException(
                $"Exchanging the personal access token at {refreshUri} failed with HTTP {(int)response.StatusCode} {response.ReasonPhrase}"
                + (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest
                    ? " (the token is revoked, expired, or personal access tokens are disabled for the organization)." : "."),
                statusCode: response.StatusCode);

        string? access = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("access", out var a) && a.ValueKind == JsonValueKind.String)
                access = a.GetString();
        }
        catch (JsonException)
        {
        }
        if (string.IsNullOrEmpty(access))
            throw new LabelStudioApiException($"The token refresh answer of {refreshUri} has no 'access' token.");

        _logger.LogInformation("Exchanged the personal access token for an access token at {Uri}", refreshUri);
        var validUntil = Jwt.TryRead(access, out var accessExpiry) && accessExpiry is { } exp
            ? exp - ExpirySkew
            : now + UnknownExpiryLifetime;
        return ("Bearer " + access, validUntil);
    }
}

/// <summary>Just enough JWT reading to tell a personal access token from a legacy token and to read <c>exp</c>.
/// Signatures are not checked: Label Studio does that.</summary>
internal static class Jwt
{
    public static bool TryRead(string token, out DateTimeOffset? expiry)
    {
        expiry = null;
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0) return false;
        try
        {
            using var header = JsonDocument.Parse(DecodeSegment(parts[0]));
            if (header.RootElement.ValueKind != JsonValueKind.Object || !header.RootElement.TryGetProperty("alg", out _)) return false;
            using var payload = JsonDocument.Parse(DecodeSegment(parts[1]));
            if (payload.RootElement.ValueKind != JsonValueKind.Object) return false;
            if (payload.RootElement.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number)
                expiry = DateTimeOffset.FromUnixTimeSeconds((long)exp.GetDouble());
            return true;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return false;
        }
    }

    private static byte[] DecodeSegment(string segment)
    {
        var s = segment.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        return Convert.FromBase64String(s);
    }
}
