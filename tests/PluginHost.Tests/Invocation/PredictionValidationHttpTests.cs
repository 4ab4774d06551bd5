namespace PluginHost.Tests.Invocation;

/// <summary>What leaves the host is valid for the project's label config, over HTTP as Label Studio sees it.</summary>
public sealed class PredictionValidationHttpTests
{
    private const string Config = """
        <View><Text name="text" value="$text"/><Choices name="choice" toName="text"><Choice value="steady"/></Choices></View>
        """;

    // One valid region and one whose choice the config does not have.
    private const string Sloppy = """
        public sealed class Sloppy : ILabelStudioBackend
        {
            public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
            {
                IReadOnlyList<Prediction> result = context.Tasks
                    .Select(_ => new Prediction([Regions.Choices("choice", "text", ["steady"]), Regions.Choices("choice", "text", ["bogus"])]))
                    .ToList();
                return ValueTask.FromResult(result);
            }
        }
        """;

    [Fact]
    public async Task Invalid_regions_are_dropped_with_a_warning_and_a_strict_backend_answers_500_naming_them()
    {
        await using var kit = await ScriptKit.StartAsync([("sloppy.csx", Sloppy), ("pedantic.csx", Sloppy)],
            new Dictionary<string, string?> { ["Backends:pedantic:StrictPredictions"] = "true" });

        var (status, body) = await kit.PredictAsync("sloppy", labelConfig: Config);
        Assert.Equal(200, status);
        var result = body["results"]![0]!["result"]!.AsArray();
        Assert.Equal("steady", (string?)Assert.Single(result)!["value"]!["choices"]![0]);
        var warning = (string?)Assert.Single(body["warnings"]!.AsArray());
        Assert.StartsWith("Prediction 0: dropped 1 region(s) Label Studio would reject: Region 1: 'bogus' is not a label of control 'choice'", warning);

        // Without a label config there is nothing to check against.
        var (unchecked_, raw) = await kit.PredictAsync("sloppy");
        Assert.Equal(200, unchecked_);
        Assert.Equal(2, raw["results"]![0]!["result"]!.AsArray().Count);
        Assert.Null(raw["warnings"]);

        var (strict, error) = await kit.PredictAsync("pedantic", labelConfig: Config);
        Assert.Equal(500, strict);
        Assert.Contains("(StrictPredictions): Region 1: 'bogus' is not a label of control 'choice'", (string?)error["detail"]);
    }
}
