using System.Text.Json;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Sdk.Tests;

public class PredictionValidatorTests
{
    private static readonly LabelConfig Ner = LabelConfig.Parse(LabelConfigTests.NerWithRelations);
    private static readonly LabelConfig Detection = LabelConfig.Parse(LabelConfigTests.Detection);
    private static readonly LabelConfig Ocr = LabelConfig.Parse(LabelConfigTests.Ocr);
    private static readonly ImageSize Photo = new(640, 480);

    private static IReadOnlyList<string> Validate(LabelConfig config, params Region[] regions) =>
        PredictionValidator.Validate(new Prediction(regions, 0.5, "v1"), config);

    private static IReadOnlyList<string> ValidateJson(LabelConfig config, string json)
    {
        using var doc = JsonDocument.Parse(json);
        return PredictionValidator.Validate(doc.RootElement, config);
    }

    private static void SingleError(IReadOnlyList<string> errors, params string[] parts)
    {
        var error = Assert.Single(errors);
        foreach (var part in parts) Assert.Contains(part, error);
    }

    [Fact]
    public void Spans_with_a_relation_are_valid()
    {
        var org = Regions.Span("label", "text", 0, 5, "Apple", ["Organization"], 0.9);
        var person = Regions.Span("label", "text", 20, 30, "Steve Jobs", ["Person"]);

        Assert.Empty(Validate(Ner, org, person, Regions.Relation(org, person, labels: ["org:founded_by"])));
    }

    [Fact]
    public void Every_built_image_region_is_valid_for_its_config()
    {
        var box = Regions.Rectangle("bbox", "image", Photo, 10, 10, 20, 5, ["Text"]);
        var regions = new[]
        {
            Regions.Rectangle("label", "image", Photo, 1, 2, 3, 4, ["Car"], score: 0.4),
            Regions.Rectangle("label", "image", Photo, 60, 60, 40, 40, ["Bus", "Vehicle"], rotation: 45),
        };
        Assert.Empty(Validate(Detection, regions));

        // The OCR config uses bare Rectangle/Polygon tools: their regions carry no labels.
        var ocrBox = new Region
        {
            Id = box.Id, FromName = "bbox", ToName = "image", Type = "rectangle", OriginalWidth = 640, OriginalHeight = 480,
            Value = new RegionValue { X = 10, Y = 10, Width = 20, Height = 5, Rotation = 0 },
        };
        var labels = new Region { Id = box.Id, FromName = "label", ToName = "image", Type = "labels", Value = new RegionValue { X = 10, Y = 10, Width = 20, Height = 5, LabelsKey = "labels", Labels = ["Text"] } };
        Assert.Empty(Validate(Ocr, ocrBox, labels, Regions.TextArea("transcription", ocrBox, ["Invoice"])));
    }

    [Fact]
    public void Every_builder_output_passes_against_a_config_with_its_control()
    {
        var config = LabelConfig.Parse("""
            <View>
              <Image name="image" value="$image"/>
              <Text name="text" value="$text"/>
              <HyperText name="html" value="$html"/>
              <Paragraphs name="dialogue" value="$dialogue"/>
              <TimeSeries name="ts" value="$csv"><Channel column="speed"/></TimeSeries>
              <Video name="video" value="$video"/>
              <List name="results" value="$items"/>
              <PolygonLabels name="poly" toName="image"><Label value="Car"/></PolygonLabels>
              <KeyPointLabels name="kp" toName="image"><Label value="nose"/></KeyPointLabels>
              <EllipseLabels name="ell" toName="image"><Label value="Cell"/></EllipseLabels>
              <BrushLabels name="brush" toName="image"><Label value="Banana"/></BrushLabels>
              <HyperTextLabels name="htl" toName="html"><Label value="ORG"/></HyperTextLabels>
              <ParagraphLabels name="pl" toName="dialogue"><Label value="Important"/></ParagraphLabels>
              <Taxonomy name="tax" toName="text"><Choice value="Root"><Choice value="Child"/></Choice></Taxonomy>
              <Rating name="rating" toName="text" maxRating="10"/>
              <Number name="number" toName="text"/>
              <DateTime name="date" toName="text" only="date"/>
              <Ranker name="rank" toName="results"/>
              <Pairwise name="pw" toName="text,html"/>
              <TimeSeriesLabels name="tsl" toName="ts"><Label value="Run"/></TimeSeriesLabels>
              <Labels name="videoLabels" toName="video"><Label value="Car"/></Labels>
              <VideoRectangle name="box" toName="video"/>
              <TimelineLabels name="timeline" toName="video"><Label value="run"/></TimelineLabels>
              <TextArea name="answer" toName="text"/>
            </View>
            """);

        var regions = new[]
        {
            Regions.Polygon("poly", "image", Photo, [(1, 1), (5, 1), (5, 5)], ["Car"]),
            Regions.KeyPoint("kp", "image", Photo, 50, 50, ["nose"], pointWidth: 1),
            Regions.Ellipse("ell", "image", Photo, 50, 50, 10, 10, ["Cell"]),
            Regions.Brush("brush", "image", Photo, new byte[640 * 480], ["Banana"]),
            Regions.HyperTextSpan("htl", "html", "/p[1]/text()[1]", 0, "/p[1]/text()[1]", 5, "Apple", ["ORG"]),
            Regions.ParagraphSpan("pl", "dialogue", 0, 0, 0, 4, "Dont", ["Important"]),
            Regions.Taxonomy("tax", "text", [["Root", "Child"]]),
            Regions.Rating("rating", "text", 10),
            Regions.Number("number", "text", 3.5),
            Regions.DateTime("date", "text", "2024-03-20"),
            Regions.Ranker("rank", "results", ["a", "b"]),
            Regions.Pairwise("pw", "right"),
            Regions.TimeSeriesSpan("tsl", "ts", 1, 5, ["Run"]),
            Regions.VideoRectangle("box", "video", 100, 4, [new VideoKeyframe(1, true, 1, 1, 10, 10, 0)], ["Car"]),
            Regions.TimelineSpan("timeline", "video", [(1, 30)], ["run"]),
            Regions.TextArea("answer", "text", ["hello"]),
        };

        Assert.Empty(Validate(config, regions));
    }

    [Fact]
    public void Unknown_from_name_is_reported_with_the_known_controls()
    {
        SingleError(Validate(Ner, Regions.Span("ner", "text", 0, 1, "a", ["Person"])), "Region 0", "'from_name' 'ner' not found", "'label'");
    }

    [Fact]
    public void Unknown_to_name_is_reported()
    {
        SingleError(Validate(Ner, Regions.Span("label", "txt", 0, 1, "a", ["Person"])), "'to_name' 'txt' not found", "'text'");
    }

    [Fact]
    public void To_name_of_another_control_is_not_linked()
    {
        var config = LabelConfig.Parse("""
            <View><Text name="a" value="$a"/><Text name="b" value="$b"/>
              <Choices name="c" toName="a"><Choice value="X"/></Choices></View>
            """);

        SingleError(Validate(config, Regions.Choices("c", "b", ["X"])), "'to_name' 'b' is not linked to control 'c'", "'a'");
    }

    [Fact]
    public void Type_must_be_the_lowercased_control_tag()
    {
        var region = Regions.Span("label", "text", 0, 1, "a", ["Person"], type: "hypertextlabels");

        var errors = Validate(Ner, region);

        Assert.Contains(errors, e => e.Contains("type 'hypertextlabels' does not match") && e.Contains("expected type 'labels'"));
    }

    [Fact]
    public void Labels_outside_the_config_are_reported_with_the_valid_ones()
    {
        SingleError(Validate(Ner, Regions.Span("label", "text", 0, 1, "a", ["PERSON", "Person"])),
            "'PERSON' is not a label of control 'label'", "'Organization', 'Person', 'Datetime'");
        SingleError(Validate(LabelConfig.Parse(LabelConfigTests.Sentiment), Regions.Choices("sentiment", "text", ["Happy", "Sad"])),
            "'Happy', 'Sad' are not labels");
    }

    [Fact]
    public void Missing_label_key_is_reported()
    {
        var region = new Region { FromName = "label", ToName = "text", Type = "labels", Value = new RegionValue { Start = 0, End = 1 } };

        SingleError(Validate(Ner, region), "value has no 'labels' list");
    }

    [Fact]
    public void Dynamic_labels_accept_any_label()
    {
        var config = LabelConfig.Parse("""<View><Text name="text" value="$text"/><Labels name="label" toName="text" value="$labels"/></View>""");

        Assert.Empty(Validate(config, Regions.Span("label", "text", 0, 1, "a", ["anything"])));
    }

    [Theory]
    [InlineData(101, 10, 10, 10, "value.x 101 is out of bounds [0, 100]")]
    [InlineData(10, -2, 10, 10, "value.y -2 is out of bounds")]
    [InlineData(10, 10, 120.5, 10, "value.width 120.5 is out of bounds")]
    [InlineData(10, 10, 10, -1, "value.height -1 is out of bounds")]
    public void Geometry_outside_0_to_100_is_reported(double x, double y, double width, double height, string message)
    {
        var region = new Region
        {
            FromName = "label", ToName = "image", Type = "rectanglelabels",
            Value = new RegionValue { X = x, Y = y, Width = width, Height = height, LabelsKey = "rectanglelabels", Labels = ["Car"] },
        };

        SingleError(Validate(Detection, region), message);
    }

    [Fact]
    public void Polygon_points_outside_the_image_are_reported()
    {
        var config = LabelConfig.Parse("""<View><Image name="i" value="$i"/><PolygonLabels name="p" toName="i"><Label value="A"/></PolygonLabels></View>""");
        var region = new Region
        {
            FromName = "p", ToName = "i", Type = "polygonlabels",
            Value = new RegionValue { Points = [(1, 1), (101, 5), (3, 3)], LabelsKey = "polygonlabels", Labels = ["A"] },
        };

        SingleError(Validate(config, region), "value.points[1] [101,5] is out of bounds");
    }

    [Fact]
    public void Prediction_score_outside_0_to_1_is_reported()
    {
        var errors = PredictionValidator.Validate(new Prediction([Regions.Choices("sentiment", "text", ["Positive"])], score: 1.5),
            LabelConfig.Parse(LabelConfigTests.Sentiment));

        SingleError(errors, "Prediction: score must be between 0 and 1, not 1.5");
    }

    [Fact]
    public void Region_score_outside_0_to_1_is_reported()
    {
        var region = new Region { FromName = "sentiment", ToName = "text", Type = "choices", Score = 7, Value = new RegionValue { Choices = ["Positive"] } };

        SingleError(Validate(LabelConfig.Parse(LabelConfigTests.Sentiment), region), "Region 0: score must be between 0 and 1, not 7");
    }

    [Fact]
    public void Relation_to_a_missing_region_is_reported()
    {
        var org = Regions.Span("label", "text", 0, 5, "Apple", ["Organization"]);

        SingleError(Validate(Ner, org, Regions.Relation(org.Id!, "ghost")), "Relation 1", "'to_id' 'ghost'");
    }

    [Fact]
    public void Relation_to_an_invalid_region_is_reported_too()
    {
        var bad = Regions.Span("label", "text", 0, 5, "Apple", ["Company"]);
        var good = Regions.Span("label", "text", 6, 9, "Tim", ["Person"]);

        var errors = Validate(Ner, bad, good, Regions.Relation(bad, good));

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Relation 2") && e.Contains("'from_id'"));
    }

    [Fact]
    public void Relation_with_a_bad_direction_is_reported()
    {
        var json = """
            {"result":[{"id":"a","from_name":"label","to_name":"text","type":"labels","value":{"start":0,"end":1,"labels":["Person"]}},
                       {"type":"relation","from_id":"a","to_id":"a","direction":"up"}]}
            """;

        SingleError(ValidateJson(Ner, json), "Relation 1", "direction", "'up'");
    }

    [Fact]
    public void Json_predictions_report_missing_fields_and_null_model_version()
    {
        var errors = ValidateJson(Ner, """{"model_version":null,"result":[{"from_name":"label","to_name":"text","value":{}}]}""");

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("'model_version' must be a string"));
        Assert.Contains(errors, e => e.Contains("Region 0: missing required field 'type'"));
        SingleError(ValidateJson(Ner, """{"score":0.5}"""), "Missing required field 'result'");
        SingleError(ValidateJson(Ner, """{"result":{}}"""), "'result' must be a list");
    }

    [Fact]
    public void Brush_without_image_size_is_reported()
    {
        var config = LabelConfig.Parse("""<View><Image name="i" value="$i"/><BrushLabels name="b" toName="i"><Label value="A"/></BrushLabels></View>""");
        var region = new Region
        {
            FromName = "b", ToName = "i", Type = "brushlabels",
            Value = new RegionValue { Format = "rle", Rle = BrushRle.EncodeMask(new byte[4], 2, 2), LabelsKey = "brushlabels", Labels = ["A"] },
        };

        SingleError(Validate(config, region), "original_width and original_height");
    }

    [Fact]
    public void Rating_above_max_rating_is_reported()
    {
        var config = LabelConfig.Parse("""<View><Text name="t" value="$t"/><Rating name="r" toName="t"/></View>""");

        SingleError(Validate(config, Regions.Rating("r", "t", 6)), "value.rating 6 is outside 0–5");
    }

    [Fact]
    public void Taxonomy_nodes_outside_the_tree_are_reported()
    {
        var config = LabelConfig.Parse(LabelConfigTests.Taxonomy);

        Assert.Empty(Validate(config, Regions.Taxonomy("taxonomy", "text", [["Eukarya", "Human"]])));
        SingleError(Validate(config, Regions.Taxonomy("taxonomy", "text", [["Eukarya", "Martian"]])), "'Martian' not found among the taxonomy");
    }

    [Fact]
    public void Regions_overload_validates_without_a_prediction_wrapper()
    {
        Assert.Empty(PredictionValidator.Validate([Regions.Span("label", "text", 0, 1, "a", ["Person"])], Ner));
    }
}
