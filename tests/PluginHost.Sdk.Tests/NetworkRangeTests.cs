using System.Net;
using PluginHost.Sdk.Data;

namespace PluginHost.Sdk.Tests;

public sealed class NetworkRangeTests
{
    [Theory]
    [InlineData("8.8.8.8", null)]
    [InlineData("172.15.255.255", null)]
    [InlineData("100.63.0.1", null)]
    [InlineData("2001:4860:4860::8888", null)]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.200.0.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.1.1.1", "private")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("192.168.0.1", "private")]
    [InlineData("fd00::1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    public void Addresses_are_classified(string address, string? range)
    {
        var found = NetworkGuard.NonPublicRange(IPAddress.Parse(address));
        if (range is null) Assert.Null(found);
        else Assert.StartsWith(range, found);
    }
}
