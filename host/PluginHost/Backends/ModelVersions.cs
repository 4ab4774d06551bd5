namespace PluginHost.Backends;

/// <summary>The one formula for the <c>model_version</c> Label Studio sees: <c>&lt;backend&gt;-&lt;version&gt;</c>.</summary>
public static class ModelVersions
{
    /// <param name="version">The code's version (<c>1.0.0</c>, a script hash) or a stored version folder (<c>v3</c>).</param>
    public static string Of(string backend, string version) => $"{backend}-{version}";
}
