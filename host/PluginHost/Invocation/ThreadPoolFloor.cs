using Microsoft.Extensions.Options;
using PluginHost.Configuration;

namespace PluginHost.Invocation;

/// <summary>
/// Raises the thread pool's minimum worker threads to <c>MinThreadPoolThreads</c> at start. Below the minimum the pool
/// creates a thread as soon as work waits; above it, about one per half second. A backend whose predict blocks its
/// thread holds up to its bulkhead's slots of them, and without this floor the other backends' requests would queue
/// behind the pool's slow injection (the 13 s stalls the bulkhead test reproduces on a cold host).
/// </summary>
internal sealed class ThreadPoolFloor(IOptions<HostSettings> options, ILogger<ThreadPoolFloor> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = options.Value.MinThreadPoolThreads;
        if (wanted > workers && !ThreadPool.SetMinThreads(wanted, io))
            logger.LogWarning("Could not raise the thread pool's minimum worker threads from {Current} to {Wanted}", workers, wanted);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
