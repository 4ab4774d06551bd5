namespace PluginHost.Http.Docs;

/// <summary>The optional body of <c>POST /versions/{version}/activate</c> (the query <c>?project=</c> does the same).</summary>
public sealed record ActivateRequest(string? Project);
