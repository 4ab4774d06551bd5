namespace PluginHost.Logging;

/// <summary>
/// Console logging as the Python SDK's users expect it: <c>LOG_LEVEL=DEBUG</c> or <c>--debug</c> for debug lines,
/// <c>LOG_FORMAT=json</c> for one JSON object per line (for log shippers). Either way every line written while a request
/// runs carries the request's scope (request id, backend, project: <see cref="RequestLogScope"/>).
/// </summary>
internal static class HostLogging
{
    public const string DebugSwitch = "--debug";

    /// <summary>Takes <c>--debug</c> out of the arguments (the configuration's command-line parser would read the next
    /// argument as its value) and says whether it was there.</summary>
    public static string[] WithoutDebugSwitch(string[] args, out bool debug)
    {
        debug = args.Contains(DebugSwitch, StringComparer.OrdinalIgnoreCase);
        return debug ? args.Where(a => !a.Equals(DebugSwitch, StringComparison.OrdinalIgnoreCase)).ToArray() : args;
    }

    public static void Configure(ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        var format = configuration["LOG_FORMAT"] ?? Environment.GetEnvironmentVariable("LOG_FORMAT");
        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        // Scopes carry what the line is about; the trace/span ids of every line add nothing here.
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None);
    }
}
