using PluginHost.Backends;
using PluginHost.Configuration;

namespace PluginHost.Tests;

public sealed class EnvironmentAliasTests
{
    [Fact]
    public void Python_sdk_environment_names_map_to_host_settings()
    {
        var env = new Dictionary<string, string>
        {
            ["PORT"] = "9191",
            ["MODEL_DIR"] = "/data/models",
            ["BASIC_AUTH_USER"] = "u",
            ["ML_SERVER_BASIC_AUTH_USER"] = "ignored-because-BASIC_AUTH_USER-wins",
            ["LABEL_STUDIO_API_KEY"] = "k",
            ["LOG_LEVEL"] = "WARNING",
        };
        var mapped = EnvironmentAliases.Read(name => env.GetValueOrDefault(name)).ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal("9191", mapped["PluginHost:Port"]);
        Assert.Equal("/data/models", mapped["PluginHost:ModelDir"]);
        Assert.Equal("u", mapped["PluginHost:BasicAuthUser"]);
        Assert.Equal("k", mapped["PluginHost:LabelStudioApiKey"]);
        Assert.Equal("Warning", mapped["Logging:LogLevel:Default"]);
        Assert.False(mapped.ContainsKey("PluginHost:Host"));
    }
}

public sealed class BackendMetricsTests
{
    [Fact]
    public void Percentiles_come_from_the_recorded_latencies()
    {
        var metrics = new BackendMetrics("percentiles-test");
        for (var i = 0; i < 98; i++) metrics.RecordPredict(1, TimeSpan.FromMilliseconds(1));
        metrics.RecordPredict(1, TimeSpan.FromMilliseconds(100));
        metrics.RecordPredict(1, TimeSpan.FromMilliseconds(100));

        var snapshot = metrics.Snapshot();
        Assert.Equal(100, snapshot.PredictCalls);
        Assert.InRange(snapshot.PredictP50Ms!.Value, 1.0, 1.25);
        Assert.InRange(snapshot.PredictP99Ms!.Value, 100.0, 125.0);
    }
}
