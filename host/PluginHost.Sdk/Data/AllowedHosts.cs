using System.Net;

namespace PluginHost.Sdk.Data;

/// <summary><see cref="TaskDataOptions.AllowedHosts"/> parsed once: host names, <c>host:port</c>, IP addresses and CIDR blocks.</summary>
internal sealed class AllowedHosts
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _networks = [];

    public AllowedHosts(IEnumerable<string> entries)
    {
        foreach (var raw in entries)
        {
            var entry = raw.Trim();
            if (entry.Length == 0) continue;
            if (IPNetwork.TryParse(entry, out var network)) _networks.Add(network);
            else if (IPAddress.TryParse(entry.Trim('[', ']'), out var address)) _networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            else _names.Add(entry);
        }
    }

    public bool Contains(string host, int port)
    {
        if (_names.Contains(host) || _names.Contains($"{host}:{port}")) return true;
        if (!IPAddress.TryParse(host.Trim('[', ']'), out var address)) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var network in _networks)
            if (network.Contains(address)) return true;
        return false;
    }
}
