namespace PluginHost.Http;

/// <summary>
/// Marks the endpoints Label Studio's annotation webhooks call (<c>POST /webhook</c>, <c>POST /&lt;backend&gt;/webhook</c>):
/// the only ones the webhook secret opens. Auth reads it from the matched endpoint, never from the path text.
/// </summary>
internal sealed class WebhookEndpointMetadata
{
    public static readonly WebhookEndpointMetadata Instance = new();

    private WebhookEndpointMetadata()
    {
    }

    /// <summary>True when routing matched <paramref name="context"/> to a webhook endpoint.</summary>
    public static bool IsWebhook(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<WebhookEndpointMetadata>() is not null;
}
