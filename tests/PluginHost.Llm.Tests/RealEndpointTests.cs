using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PluginHost.Plugins.Llm;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Llm.Tests;

/// <summary>Opt-in: the real provider named by the environment classifies and tags, and the answers validate.</summary>
public sealed class RealEndpointTests
{
    [RealEndpointFact]
    public async Task A_real_endpoint_classifies_and_tags_with_validated_predictions()
    {
        var settings = new LlmSettings { Temperature = 0, MaxRetries = 2 };
        LlmEnvironment.Apply(settings, new ConfigurationBuilder().Build(), (IDictionary)Environment.GetEnvironmentVariables());
        var environment = new BackendEnvironment { Name = "llm-real", Settings = new ConfigurationBuilder().Build(), ModelDirectory = Path.GetTempPath(), SourceDirectory = AppContext.BaseDirectory };
        using var backend = new LlmBackend(Options.Create(settings), new CapturingLogger(), environment);
        Assert.Null(backend.HealthError);
        const string config = """
            <View>
              <Text name="text" value="$text"/>
              <Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices>
              <Labels name="ner" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>
            </View>
            """;
        var parsed = LabelConfig.Parse(config);
        const string text = "Marie Curie loved her years in Paris; the work was wonderful.";

        var predictions = await backend.PredictAsync(new PredictContext
        {
            BackendName = "llm-real",
            Project = ProjectRef.Default,
            LabelConfig = parsed,
            ExtraParams = ExtraParams.Empty,
            Logger = new CapturingLogger(),
            State = new MemoryProjectState(),
            ModelVersion = "real",
            Tasks = [new LabelStudioTask { Id = 1, Data = new() { ["text"] = System.Text.Json.JsonSerializer.SerializeToElement(text) } }],
        }, CancellationToken.None);

        var prediction = Assert.Single(predictions);
        Assert.Empty(PluginHost.Sdk.Predictions.PredictionValidator.Validate(prediction, parsed));
        Assert.Equal(["Positive"], prediction.Result.Single(r => r.Type == "choices").Value!.Choices);
        Assert.Contains(prediction.Result, r => r.Type == "labels" && r.Value!.Text == "Paris" && r.Value.Labels![0] == "LOC");
    }
}
