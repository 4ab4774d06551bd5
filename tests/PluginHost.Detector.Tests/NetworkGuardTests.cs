using PluginHost.Detector.Tests.Support;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Protocol;
using PluginHost.Tests.Shared;
using Xunit;

namespace PluginHost.Detector.Tests;

/// <summary>Task data may not reach the host's own network (server-side request forgery), except Label Studio and allowed hosts.</summary>
public sealed class NetworkGuardTests : IAsyncLifetime
{
    private static readonly ProjectRef Project = ProjectRef.FromString("7.1710967805");
    private readonly TempDir _temp = new();
    private FakeLabelStudio _ls = null!;
    private FakeLabelStudio _other = null!;

    public async Task InitializeAsync()
    {
        _ls = await FakeLabelStudio.StartAsync();
        _other = await FakeLabelStudio.StartAsync();
        _other.Files["/public/b.png"] = [2];
    }

    public async Task DisposeAsync()
    {
        await _ls.DisposeAsync();
        await _other.DisposeAsync();
        _temp.Dispose();
    }

    private TaskDataServices Services(params string[] allowed) => new(o =>
    {
        o.LabelStudioUrl = _ls.Url;
        o.ApiKey = _ls.LegacyToken;
        o.CacheDirectory = _temp.File("cache");
        o.AllowedHosts = [.. allowed];
    });

    private int OtherPort => new Uri(_other.Url).Port;

    public static TheoryData<string, string> RefusedUrls() => new()
    {
        { "http://127.0.0.1:{port}/public/b.png", "loopback" },
        { "http://localhost:{port}/public/b.png", "loopback" },
        { "http://[::1]:{port}/public/b.png", "loopback" },
        { "http://2130706433:{port}/public/b.png", "loopback" },
        { "http://169.254.169.254/latest/meta-data/", "link-local" },
        { "http://10.11.12.13/x.png", "private" },
        { "http://192.168.1.1/x.png", "private" },
        { "http://0.0.0.0:{port}/public/b.png", "unspecified" },
    };

    [Theory]
    [MemberData(nameof(RefusedUrls))]
    public async Task Loopback_link_local_and_private_addresses_are_refused_naming_the_rule(string template, string range)
    {
        using var services = Services();
        var url = template.Replace("{port}", OtherPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var error = await Assert.ThrowsAsync<TaskDataException>(() => services.Resolver.GetLocalPathAsync(url, 1, Project, CancellationToken.None));

        Assert.True(error.IsRefusedByPolicy, error.Message);
        Assert.Contains(range, error.Message);
        Assert.Contains("TaskData:AllowedHosts", error.Message);
        Assert.Empty(_other.Requests);
    }

    [Fact]
    public async Task The_label_studio_origin_always_passes_and_allowed_hosts_pass()
    {
        _ls.Files["/data/upload/7/a.png"] = [1];
        using (var services = Services())
            Assert.Equal([1], await File.ReadAllBytesAsync(await services.Resolver.GetLocalPathAsync("/data/upload/7/a.png", 1, Project, CancellationToken.None)));

        foreach (var allowed in new[] { $"127.0.0.1:{OtherPort}", "127.0.0.0/8", "127.0.0.1" })
        {
            using var services = Services(allowed);
            var path = await services.Resolver.GetLocalPathAsync($"{_other.Url}/public/b.png", 1, Project, CancellationToken.None);
            Assert.Equal([2], await File.ReadAllBytesAsync(path));
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_redirect_from_label_studio_to_a_private_address_is_refused()
    {
        _ls.PresignRedirectBase = _other.Url;
        _other.Files["/bucket/b/x.jpg"] = [3];
        using var services = Services();

        var error = await Assert.ThrowsAsync<TaskDataException>(() => services.Resolver.GetLocalPathAsync("s3://b/x.jpg", 42, Project, CancellationToken.None));

        Assert.True(error.IsRefusedByPolicy, error.Message);
        Assert.Empty(_other.Requests);
    }
}
