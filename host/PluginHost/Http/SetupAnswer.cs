namespace PluginHost.Http;

public sealed record SetupAnswer(string ModelVersion, string Status = "ok");
