namespace PluginHost.Http;

public sealed record StatusAnswer(string Status, string? Detail = null);
