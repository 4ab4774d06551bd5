using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace PluginHost.Sdk.Data;

/// <summary>
/// Keeps task-data downloads away from the host's own network: loopback, link-local (cloud metadata at
/// 169.254.169.254), private, carrier-grade NAT, unspecified and multicast addresses are refused unless the request
/// goes to the Label Studio origin (<see cref="MarkLabelStudioOrigin"/>) or the host is in <see cref="TaskDataOptions.AllowedHosts"/>.
/// It runs as the handler's connect step: the name is resolved once, every address is checked, and the socket
/// connects to those checked addresses, so a DNS answer that changes between check and connect (rebinding) cannot
/// slip through.
/// </summary>
internal sealed class NetworkGuard(TaskDataOptions options)
{
    private static readonly HttpRequestOptionsKey<bool> LabelStudioOrigin = new("PluginHost.LabelStudioOrigin");
    private readonly AllowedHosts _allowed = new(options.AllowedHosts);
    private readonly Uri? _configured = Uri.TryCreate(options.LabelStudioUrl, UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>Marks a request as going to the Label Studio origin of its connection: private addresses are fine there.</summary>
    public static void MarkLabelStudioOrigin(HttpRequestMessage request) => request.Options.Set(LabelStudioOrigin, true);

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        if (!IsExempt(context.InitialRequestMessage, host, port))
        {
            foreach (var address in addresses)
                if (NonPublicRange(address) is { } range)
                    throw new TaskDataRefusedException(host, address, range);
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private bool IsExempt(HttpRequestMessage request, string host, int port) =>
        (request.Options.TryGetValue(LabelStudioOrigin, out var toLabelStudio) && toLabelStudio)
        || (_configured is not null && string.Equals(_configured.IdnHost, host, StringComparison.OrdinalIgnoreCase) && _configured.Port == port)
        || _allowed.Contains(host, port);

    /// <summary>The name of the non-public range <paramref name="address"/> is in, or null for a public address.</summary>
    internal static string? NonPublicRange(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return "loopback";
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 => "unspecified (0.0.0.0/8)",
                10 => "private (10.0.0.0/8)",
                100 when b[1] is >= 64 and < 128 => "carrier-grade NAT (100.64.0.0/10)",
                169 when b[1] == 254 => "link-local (169.254.0.0/16, cloud metadata)",
                172 when b[1] is >= 16 and < 32 => "private (172.16.0.0/12)",
                192 when b[1] == 168 => "private (192.168.0.0/16)",
                >= 224 => "multicast or reserved (224.0.0.0/3)",
                _ => null,
            };
        }
        if (address.Equals(IPAddress.IPv6Any)) return "unspecified (::)";
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal) return "link-local (fe80::/10)";
        if (address.IsIPv6UniqueLocal) return "private (fc00::/7)";
        if (address.IsIPv6Multicast) return "multicast (ff00::/8)";
        return null;
    }
}
