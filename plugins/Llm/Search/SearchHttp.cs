using System.Text.Json;

namespace PluginHost.Plugins.Llm.Search;

/// <summary>The HTTP round trip both search APIs share: errors name the provider and status, never the URL (it may hold the key).</summary>
internal static class SearchHttp
{
    public static async Task<JsonDocument> GetJsonAsync(HttpClient http, HttpRequestMessage request, string provider, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new SearchException($"The {provider} search could not be reached ({ex.HttpRequestError}).", ex);
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                    throw new SearchException($"The {provider} search answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (JsonException ex)
                {
                    throw new SearchException($"The {provider} search answered something that is not JSON.", ex);
                }
            }
        }
    }

    public static string Text(JsonElement item, string property) =>
        item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
