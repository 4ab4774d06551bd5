using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PluginHost.Configuration;

namespace PluginHost.Http;

/// <summary>
/// Basic auth for every route (docs/protocol.md §1.8, §6.8) when <c>BASIC_AUTH_USER</c>/<c>BASIC_AUTH_PASS</c> are set (401 with
/// <c>WWW-Authenticate</c>). Label Studio's annotation webhooks carry no basic auth, so <c>/webhook</c> also accepts
/// the shared <c>WEBHOOK_SECRET</c> as header <c>X-Webhook-Secret</c> or query <c>?token=</c>. Comparisons are
/// constant-time.
/// </summary>
internal sealed class BasicAuthMiddleware(RequestDelegate next, IOptions<HostSettings> options)
{
    public const string SecretHeader = "X-Webhook-Secret";
    private readonly byte[] _expectedCredentials = Hash($"{options.Value.BasicAuthUser}:{options.Value.BasicAuthPass}");
    private readonly byte[]? _webhookSecret = options.Value.WebhookSecret.Length > 0 ? Hash(options.Value.WebhookSecret) : null;
    private readonly bool _basicAuth = options.Value.BasicAuthEnabled;

    public Task InvokeAsync(HttpContext context)
    {
        if (!_basicAuth && _webhookSecret is null) return next(context);
        // Routing ran before this middleware: the matched endpoint, not the path text, says what is a webhook.
        var isWebhook = WebhookEndpointMetadata.IsWebhook(context);
        if (isWebhook && _webhookSecret is not null && HasWebhookSecret(context.Request)) return next(context);
        if (_basicAuth && HasBasicCredentials(context.Request)) return next(context);
        if (!_basicAuth && !isWebhook) return next(context);

        if (_basicAuth) context.Response.Headers.WWWAuthenticate = "Basic realm=\"Login required\"";
        return HttpErrors.WriteAsync(context, new ApiError(StatusCodes.Status401Unauthorized,
            isWebhook ? "Webhook needs basic auth or the webhook secret (X-Webhook-Secret header or ?token=)." : "Login required."));
    }

    private bool HasWebhookSecret(HttpRequest request)
    {
        string? given = request.Headers[SecretHeader];
        if (string.IsNullOrEmpty(given)) given = request.Query["token"];
        return !string.IsNullOrEmpty(given) && CryptographicOperations.FixedTimeEquals(Hash(given), _webhookSecret);
    }

    private bool HasBasicCredentials(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            return CryptographicOperations.FixedTimeEquals(Hash(decoded), _expectedCredentials);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    // Hashing first makes the comparison independent of the lengths too.
    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
