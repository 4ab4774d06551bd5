using PluginHost.Tests.Shared;
using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Detector.Tests.Support;
using PluginHost.Plugins.Segmentation;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Segmentation.Tests.Support;

/// <summary>Builds backends the way the host does (options bound from a settings section, DI-style dependencies),
/// over generated models written to a temporary MODEL_DIR, and the requests Label Studio sends them.</summary>
public sealed class TestBackends : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly TaskDataServices _data;

    public TestBackends() => _data = new TaskDataServices(o => o.CacheDirectory = _temp.File("cache"));

    public string ModelDirectory => _temp.Path;

    public string Write(string name, byte[] bytes)
    {
        File.WriteAllBytes(_temp.File(name), bytes);
        return name;
    }

    public T Create<T>(Func<IConfiguration, Sdk.Data.ITaskDataResolver, BackendEnvironment, T> create, IDictionary<string, string?> settings, string name)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var environment = new BackendEnvironment { Name = name, Settings = configuration, ModelDirectory = _temp.Path, SourceDirectory = _temp.Path };
        return create(configuration, _data.Resolver, environment);
    }

    public static IOptions<T> Bind<T>(IConfiguration settings) where T : class, new() => Options.Create(settings.Get<T>() ?? new T());

    /// <summary>Options as the host builds them for the plugin: bound from the backend's settings section, then the
    /// plugin's <see cref="SegmentationEnvironmentSetup"/> (registered as the host registers a plugin's
    /// <c>IPostConfigureOptions</c>) fills what the section leaves unset from <paramref name="variables"/>.</summary>
    public static IOptions<T> BindWithEnvironment<T>(BackendEnvironment backend, IDictionary<string, string> variables) where T : class
    {
        var services = new ServiceCollection().AddOptions();
        services.Configure<T>(backend.Settings);
        var setup = new SegmentationEnvironmentSetup(backend, () => new Hashtable(variables.ToDictionary(e => e.Key, e => (object?)e.Value)));
        services.AddSingleton(typeof(IPostConfigureOptions<T>), setup);
        return services.BuildServiceProvider().GetRequiredService<IOptions<T>>();
    }

    public static PredictContext Context(string labelConfig, IReadOnlyList<string> images, string? contextJson = null) =>
        ImageTaskContexts.Create("test", labelConfig, images, "image", firstTaskId: 100,
            contextJson is null ? null : JsonSerializer.Deserialize<InteractiveContext>(contextJson, Sdk.Json.SdkJson.Options));

    public static string DataUri(byte[] image) => $"data:image/png;base64,{Convert.ToBase64String(image)}";

    public void Dispose()
    {
        _data.Dispose();
        _temp.Dispose();
    }
}
