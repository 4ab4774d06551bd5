using Microsoft.Extensions.DependencyInjection;
using PluginHost.Sdk.Data;

namespace PluginHost.Detector.Tests.Support;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>A temporary folder deleted at the end of the test.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("pluginhost-detector-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Builds the task-data services exactly as the host does (AddTaskDataAccess), with test options.</summary>
internal sealed class TaskDataServices : IDisposable
{
    private readonly ServiceProvider _provider;

    public TaskDataServices(Action<TaskDataOptions> configure, TimeProvider? time = null)
    {
        var services = new ServiceCollection().AddLogging();
        if (time is not null) services.AddSingleton(time);
        services.AddTaskDataAccess(o =>
        {
            // Never let the machine's environment leak into a test.
            o.LabelStudioUrl = null;
            o.ApiKey = null;
            o.LocalFilesDocumentRoot = null;
            // The fake servers run on loopback, standing in for remote hosts: let the network guard through to them.
            o.AllowedHosts = ["127.0.0.1"];
            configure(o);
        });
        _provider = services.BuildServiceProvider();
    }

    public ITaskDataResolver Resolver => _provider.GetRequiredService<ITaskDataResolver>();

    public ILabelStudioConnections Connections => _provider.GetRequiredService<ILabelStudioConnections>();

    public ILabelStudioApi Api => _provider.GetRequiredService<ILabelStudioApi>();

    public void Dispose() => _provider.Dispose();
}
