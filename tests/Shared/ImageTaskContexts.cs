using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Tests.Shared;

/// <summary>The <see cref="PredictContext"/> a host builds for a batch of image tasks, for tests that call a backend directly.</summary>
public static class ImageTaskContexts
{
    /// <summary>One task per image (ids from <paramref name="firstTaskId"/>), each with the image under <paramref name="dataKey"/>.</summary>
    public static PredictContext Create(string backendName, string labelConfig, IReadOnlyList<string> images, string dataKey,
        int firstTaskId, InteractiveContext? interactive = null) => new()
    {
        BackendName = backendName,
        Project = ProjectRef.FromString("7.1710967805"),
        LabelConfig = LabelConfig.Parse(labelConfig),
        ExtraParams = ExtraParams.Empty,
        Logger = NullLogger.Instance,
        State = new NoState(),
        ModelVersion = "test",
        Interactive = interactive,
        Tasks = images.Select((image, i) => new LabelStudioTask
        {
            Id = firstTaskId + i,
            Data = new Dictionary<string, JsonElement> { [dataKey] = JsonSerializer.SerializeToElement(image) },
        }).ToList(),
    };

    private sealed class NoState : IProjectState
    {
        public string? Get(string key) => null;

        public ValueTask SetAsync(string key, string value, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
