using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Configuration;
using PluginHost.Projects;

namespace PluginHost.Tests.Projects;

/// <summary>The embedded store against the contract: every instance is a restart on the same MODEL_DIR.</summary>
public sealed class FileProjectStoreTests : ProjectStoreContract
{
    private readonly string _modelDir = Path.Combine(Path.GetTempPath(), "projectstore-" + Guid.NewGuid().ToString("N"));

    protected override Task<IProjectStore> OpenStoreAsync() =>
        Task.FromResult<IProjectStore>(new FileProjectStore(
            new HostPaths(Options.Create(new HostSettings { ModelDir = _modelDir })), NullLogger<FileProjectStore>.Instance));

    public override Task DisposeAsync()
    {
        if (Directory.Exists(_modelDir)) Directory.Delete(_modelDir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task State_is_kept_where_earlier_versions_kept_it()
    {
        var store = await OpenStoreAsync();
        await store.SetAsync(new ProjectKey("Substring", "3"), "custom", "x", CancellationToken.None);
        Assert.Contains("\"custom\":\"x\"", await File.ReadAllTextAsync(Path.Combine(_modelDir, "substring", "3", "state.json")));
    }
}
