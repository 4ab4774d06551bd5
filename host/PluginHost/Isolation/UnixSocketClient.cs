using System.Net.Sockets;

namespace PluginHost.Isolation;

/// <summary>HTTP/1.1 over a worker's Unix domain socket: pooled keep-alive connections, no proxy, cookies, redirects
/// or decompression — the main host passes requests and answers through as they are.</summary>
internal static class UnixSocketClient
{
    /// <summary>The authority requests are addressed to (the socket decides where they go).</summary>
    public static readonly Uri BaseAddress = new("http://worker/");

    public static HttpMessageInvoker Create(string socketPath) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        // The client's trace headers are passed through as they came; the hop adds none of its own.
        ActivityHeadersPropagator = null,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    }, disposeHandler: true);
}
