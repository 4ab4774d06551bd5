using System.Net;

namespace PluginHost.Sdk.Data;

/// <summary>The network guard refused a connection: the host resolves to a non-public address (see <see cref="NetworkGuard"/>).</summary>
internal sealed class TaskDataRefusedException(string host, IPAddress address, string range)
    : Exception($"{host} resolves to {address}, a {range} address: task data may not be fetched from loopback, link-local or private networks " +
        "unless the host is Label Studio's or listed in TaskData:AllowedHosts (TASK_DATA_ALLOWED_HOSTS)");
