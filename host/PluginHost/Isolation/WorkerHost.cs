namespace PluginHost.Isolation;

/// <summary>
/// <c>PluginHost --worker &lt;route&gt;</c>: the host started by another host to serve one isolated backend. It reads the
/// host's configuration as one JSON line on stdin, serves the backend on the Unix domain socket named there (the same
/// routes, the same request pipeline), and stops when stdin reaches its end — the host closed it, or died — so a worker
/// never outlives its host.
/// </summary>
internal static class WorkerHost
{
    /// <summary>After stdin ends, the worker gets this long to stop cleanly before it exits anyway.</summary>
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(8);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not [WorkerCommand.Switch, var backend, ..])
        {
            await Console.Error.WriteLineAsync($"usage: PluginHost {WorkerCommand.Switch} <backend> (configuration as one JSON line on stdin)");
            return 2;
        }
        using var stdin = new StreamReader(Console.OpenStandardInput());
        var line = await stdin.ReadLineAsync();
        if (string.IsNullOrWhiteSpace(line))
        {
            await Console.Error.WriteLineAsync($"Worker for backend '{backend}': no configuration on stdin; exiting.");
            return 2;
        }
        var overrides = WorkerConfiguration.Deserialize(line);
        await using var app = PluginHostApp.Create([], overrides);
        await app.StartAsync();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WorkerHost).FullName!);
        _ = WatchParentAsync(stdin, backend, lifetime, logger);
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>Reads stdin to its end (the host never writes after the configuration) and then stops the worker.</summary>
    private static async Task WatchParentAsync(StreamReader stdin, string backend, IHostApplicationLifetime lifetime, ILogger logger)
    {
        var buffer = new char[256];
        try
        {
            while (await stdin.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (IOException)
        {
            // A broken pipe is the same news as its end.
        }
        logger.LogInformation("Worker for backend {Backend}: the host closed its end (stopped or died); stopping", backend);
        lifetime.StopApplication();
        await Task.Delay(ExitDeadline);
        logger.LogWarning("Worker for backend {Backend} did not stop within {Seconds} s; exiting", backend, ExitDeadline.TotalSeconds);
        Environment.Exit(0);
    }
}
