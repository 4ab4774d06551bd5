namespace PluginHost.Isolation;

/// <summary>Registered after the host's own backend sources: the host starts serving once its isolated backends' workers
/// answered too (or failed their first start, then they keep restarting in the background), as it does for the
/// backends it loads itself.</summary>
internal sealed class IsolatedWorkersReady(IsolatedWorkers workers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => workers.FirstAttemptsAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
