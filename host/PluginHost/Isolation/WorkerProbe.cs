using System.Text.Json;
using PluginHost.Http;

namespace PluginHost.Isolation;

/// <summary>Asks a worker over its socket: whether it answers at all (readiness, liveness), and what it says about its backend.</summary>
internal static class WorkerProbe
{
    /// <summary>How long a readiness probe or a <c>/health</c> description waits for the worker.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Whether the worker's Kestrel answers <c>GET /health</c> at all (its backend's own state is on that answer).</summary>
    public static async Task<bool> AnswersAsync(HttpMessageInvoker client, TimeSpan timeout, CancellationToken stopping)
    {
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        probe.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(UnixSocketClient.BaseAddress, "health"));
            using var response = await client.SendAsync(request, probe.Token);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or ObjectDisposedException && !stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The backend's <c>/health</c> as its worker answers it, with the worker's state; DOWN while no worker answers.</summary>
    public static async Task<BackendHealth> DescribeAsync(WorkerSupervisor supervisor, CancellationToken cancellationToken)
    {
        var worker = supervisor.Health;
        var backend = supervisor.Backend;
        if (supervisor.Client is { } client)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReadyTimeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(UnixSocketClient.BaseAddress, backend + "/health"));
                using var response = await client.SendAsync(request, timeout.Token);
                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                if (await JsonSerializer.DeserializeAsync(body, HostJson.Info<BackendHealth>(), timeout.Token) is { } answered)
                    return answered with { Worker = worker };
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or ObjectDisposedException
                                           || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Down or not answering: described below from the supervisor's side.
            }
        }
        return new BackendHealth("DOWN", backend, backend, worker.State, null, null, null,
            $"Backend '{backend}' runs in a worker process that is {worker.State}.{worker.DescribeLastExit()}", null, worker);
    }
}
