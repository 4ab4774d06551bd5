using PluginHost.Invocation;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Tests.Invocation;

/// <summary>The typed fast path may only send predictions to the full validator, never accept one it would reject.</summary>
public sealed class TypedPredictionCheckTests
{
    private static readonly LabelConfig Config = LabelConfig.Parse("""
        <View>
          <Text name="text" value="$text"/>
          <Image name="image" value="$image"/>
          <Labels name="label" toName="text"><Label value="PER"/><Label value="ORG"/></Labels>
          <Labels name="free" toName="text" value="$labels"/>
          <Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices>
          <RectangleLabels name="box" toName="image"><Label value="Car"/></RectangleLabels>
        </View>
        """);

    [Fact]
    public void The_fast_path_never_accepts_what_the_validator_rejects_and_accepts_the_common_valid_regions()
    {
        var accepted = 0;
        var compared = 0;
        foreach (var region in GeneratedRegions())
        {
            foreach (var score in new double?[] { null, 0.5, 1.5 })
            {
                var prediction = new Prediction([region], score, "v1");
                var fast = TypedPredictionCheck.IsCertainlyValid(prediction, Config);
                var errors = PredictionValidator.Validate(prediction, Config);
                if (fast) Assert.True(errors.Count == 0, $"Fast path accepted an invalid prediction: {string.Join(" ", errors)}");
                accepted += fast ? 1 : 0;
                compared++;
            }
        }
        Assert.True(compared > 1000, $"only {compared} cases");
        Assert.True(accepted > 0, "the fast path declined every case");
        Assert.False(TypedPredictionCheck.IsCertainlyValid(new Prediction([]), Config)); // no model_version yet
    }

    [Fact]
    public void What_the_SDK_builders_make_for_the_common_controls_takes_the_fast_path()
    {
        var image = new ImageSize(640, 480);
        Region[] regions =
        [
            Regions.Span("label", "text", 0, 5, "Apple", ["ORG"], score: 0.8),
            Regions.Span("free", "text", 3, 9, "banana", ["anything"]),
            Regions.Choices("sentiment", "text", ["Negative"], score: 1),
            Regions.Rectangle("box", "image", image, 10, 20, 30, 40, ["Car"], score: 0.5),
            Regions.Rectangle("box", "image", image, 0, 0, 100, 100, ["Car"], rotation: 45),
        ];
        foreach (var region in regions)
            Assert.True(TypedPredictionCheck.IsCertainlyValid(new Prediction([region], 0.7, "v1"), Config), region.Type);
        Assert.True(TypedPredictionCheck.IsCertainlyValid(new Prediction(regions, null, "v1"), Config));
    }

    private static IEnumerable<Region> GeneratedRegions()
    {
        string[] names = ["label", "free", "sentiment", "box", "nope"];
        string[] objects = ["text", "image", "nope"];
        string[] types = ["labels", "choices", "rectanglelabels", "Labels", "polygonlabels"];
        IReadOnlyList<string>?[] labelSets = [null, ["PER"], ["Positive"], ["Car"], ["Unknown"], ["PER", "Car"], []];
        foreach (var name in names)
        foreach (var target in objects)
        foreach (var type in types)
        foreach (var labels in labelSets)
        {
            yield return Make(name, target, type, new RegionValue { Start = 0, End = 4, LabelsKey = type, Labels = labels });
            yield return Make(name, target, type, new RegionValue { Start = -1, End = 4, LabelsKey = "labels", Labels = labels });
            yield return Make(name, target, type, new RegionValue { Choices = labels });
            yield return Make(name, target, type, new RegionValue { Choices = labels, LabelsKey = "choices", Labels = ["Negative"] });
            yield return Make(name, target, type, new RegionValue { X = 10, Y = 10, Width = 50, Height = 20, LabelsKey = type, Labels = labels });
            yield return Make(name, target, type, new RegionValue { X = 10, Y = 10, Width = 150, Height = 20, LabelsKey = type, Labels = labels });
            yield return Make(name, target, type, new RegionValue { X = 10, Y = double.NaN, Width = 50, Height = 20, Rotation = 400, LabelsKey = type, Labels = labels });
            yield return Make(name, target, type, new RegionValue { X = 10, Y = 10, Width = 50, Height = 20, Rotation = -30, LabelsKey = type, Labels = labels }, score: 2);
        }
    }

    private static Region Make(string fromName, string toName, string type, RegionValue value, double? score = null) => new()
    {
        Id = "r1",
        FromName = fromName,
        ToName = toName,
        Type = type,
        Value = value,
        Score = score,
    };
}
