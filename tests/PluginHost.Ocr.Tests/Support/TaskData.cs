using Microsoft.Extensions.DependencyInjection;
using PluginHost.Sdk.Data;

namespace PluginHost.Ocr.Tests.Support;

/// <summary>The real task-data resolver, built as the host builds it (AddTaskDataAccess), caching under a temp folder.</summary>
public sealed class TaskData : IDisposable
{
    private readonly ServiceProvider _provider;

    public TaskData(string cacheDirectory, string? localFilesRoot = null)
    {
        _provider = new ServiceCollection().AddLogging().AddTaskDataAccess(o =>
        {
            // Never let the machine's environment leak into a test.
            o.LabelStudioUrl = null;
            o.ApiKey = null;
            o.LocalFilesDocumentRoot = localFilesRoot;
            // The fake servers run on loopback, standing in for remote hosts: let the network guard through to them.
            o.AllowedHosts = ["127.0.0.1"];
            o.CacheDirectory = cacheDirectory;
        }).BuildServiceProvider();
    }

    public ITaskDataResolver Resolver => _provider.GetRequiredService<ITaskDataResolver>();

    public void Dispose() => _provider.Dispose();
}
