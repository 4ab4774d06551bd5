namespace PluginHost.Configuration;

/// <summary>
/// Maps the environment names the Python SDK users know (<c>PORT</c>, <c>MODEL_DIR</c>, <c>BASIC_AUTH_USER</c>…) onto
/// <see cref="HostSettings"/> keys, so a backend's existing docker-compose file keeps working.
/// </summary>
public static class EnvironmentAliases
{
    private static readonly (string Env, string Key)[] Aliases =
    [
        ("HOST", nameof(HostSettings.Host)),
        ("PORT", nameof(HostSettings.Port)),
        ("MODEL_DIR", nameof(HostSettings.ModelDir)),
        ("PLUGINS_DIR", nameof(HostSettings.PluginsDir)),
        ("SCRIPTS_DIR", nameof(HostSettings.ScriptsDir)),
        ("DEFAULT_BACKEND", nameof(HostSettings.DefaultBackend)),
        ("BASIC_AUTH_USER", nameof(HostSettings.BasicAuthUser)),
        ("BASIC_AUTH_PASS", nameof(HostSettings.BasicAuthPass)),
        ("ML_SERVER_BASIC_AUTH_USER", nameof(HostSettings.BasicAuthUser)),
        ("ML_SERVER_BASIC_AUTH_PASS", nameof(HostSettings.BasicAuthPass)),
        ("WEBHOOK_SECRET", nameof(HostSettings.WebhookSecret)),
        ("LABEL_STUDIO_URL", nameof(HostSettings.LabelStudioUrl)),
        ("LABEL_STUDIO_HOST", nameof(HostSettings.LabelStudioUrl)),
        ("LABEL_STUDIO_API_KEY", nameof(HostSettings.LabelStudioApiKey)),
        ("LABEL_STUDIO_ACCESS_TOKEN", nameof(HostSettings.LabelStudioApiKey)),
        ("REDIS_URL", nameof(HostSettings.RedisUrl)),
    ];

    /// <summary>The configuration entries the environment sets, later aliases losing to earlier ones.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Read(Func<string, string?> getEnvironmentVariable)
    {
        var seen = new HashSet<string>();
        foreach (var (env, key) in Aliases)
        {
            var value = getEnvironmentVariable(env);
            if (string.IsNullOrEmpty(value) || !seen.Add(key)) continue;
            yield return new($"{HostSettings.Section}:{key}", value);
        }
        if (string.IsNullOrEmpty(getEnvironmentVariable("REDIS_URL")) && getEnvironmentVariable("REDIS_HOST") is { Length: > 0 } redisHost)
        {
            var redisPort = getEnvironmentVariable("REDIS_PORT") is { Length: > 0 } port ? port : "6379";
            yield return new($"{HostSettings.Section}:{nameof(HostSettings.RedisUrl)}", $"{redisHost}:{redisPort}");
        }
        if (getEnvironmentVariable("LOG_LEVEL") is { Length: > 0 } level)
            yield return new("Logging:LogLevel:Default", NormalizeLogLevel(level));
    }

    /// <summary>Python's level names (DEBUG, INFO, WARNING…) to .NET's.</summary>
    internal static string NormalizeLogLevel(string level) => level.Trim().ToUpperInvariant() switch
    {
        "DEBUG" => "Debug",
        "INFO" => "Information",
        "WARNING" or "WARN" => "Warning",
        "ERROR" => "Error",
        "CRITICAL" or "FATAL" => "Critical",
        _ => level,
    };
}
