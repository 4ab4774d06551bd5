using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>
/// Where cluster mode finds Redis: <c>REDIS_URL</c> (<c>redis://[user:password@]host:port[/db]</c>, <c>rediss://</c> for
/// TLS, or a StackExchange.Redis configuration string such as <c>host:6379,password=…</c>), else the Python SDK's older
/// <c>REDIS_HOST</c> / <c>REDIS_PORT</c>. No setting at all means embedded mode.
/// </summary>
public static class RedisEndpoint
{
    /// <summary>The client options for the given settings, or null when none is set (embedded mode).</summary>
    /// <exception cref="FormatException">The URL is not a Redis URL or configuration string.</exception>
    public static ConfigurationOptions? Resolve(string? redisUrl, string? redisHost, string? redisPort)
    {
        if (!string.IsNullOrWhiteSpace(redisUrl)) return Parse(redisUrl.Trim());
        if (string.IsNullOrWhiteSpace(redisHost)) return null;
        var port = string.IsNullOrWhiteSpace(redisPort) ? "6379" : redisPort.Trim();
        return Parse($"{redisHost.Trim()}:{port}");
    }

    /// <summary>Parses a <c>redis://</c> / <c>rediss://</c> URL or a StackExchange.Redis configuration string.</summary>
    public static ConfigurationOptions Parse(string value)
    {
        ConfigurationOptions options;
        if (value.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
                throw new FormatException($"REDIS_URL is not a valid URL: '{Redact(value)}'");
            options = new ConfigurationOptions { Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase) };
            options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
            if (uri.UserInfo.Length > 0)
            {
                var parts = uri.UserInfo.Split(':', 2);
                if (parts.Length == 2)
                {
                    if (parts[0].Length > 0) options.User = Uri.UnescapeDataString(parts[0]);
                    options.Password = Uri.UnescapeDataString(parts[1]);
                }
                else options.Password = Uri.UnescapeDataString(parts[0]);
            }
            var path = uri.AbsolutePath.Trim('/');
            if (path.Length > 0)
            {
                if (!int.TryParse(path, out var database) || database < 0)
                    throw new FormatException($"REDIS_URL names no database number: '{Redact(value)}'");
                options.DefaultDatabase = database;
            }
        }
        else
        {
            try { options = ConfigurationOptions.Parse(value); }
            catch (ArgumentException e) { throw new FormatException($"REDIS_URL is not a Redis configuration: {e.Message}", e); }
            if (options.EndPoints.Count == 0) throw new FormatException("REDIS_URL names no Redis endpoint");
        }
        // A replica must start (and serve what it has) while Redis is away; the connection keeps retrying in the
        // background, and a command issued meanwhile fails at once instead of waiting in a backlog, so a webhook can
        // journal its annotations locally and still answer Label Studio within its 1 s.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectRetry = 3;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        options.AsyncTimeout = 2000;
        options.ClientName ??= "pluginhost";
        return options;
    }

    /// <summary>The URL with its password replaced, for logs and errors.</summary>
    public static string Redact(string value)
    {
        var at = value.LastIndexOf('@');
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme >= 0 && at > scheme ? value[..(scheme + 3)] + "***" + value[at..] : value;
    }
}
