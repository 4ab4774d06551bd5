using PluginHost.Sdk.Predictions;

namespace PluginHost.Sdk.Tests;

/// <summary>Builders refuse bad input with an <see cref="ArgumentException"/> whose message names the problem.</summary>
public class RegionBuilderValidationTests
{
    private static readonly ImageSize Photo = new(640, 480);

    private static void Throws(Action build, params string[] messageParts)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(build);
        foreach (var part in messageParts) Assert.Contains(part, ex.Message);
    }

    [Fact]
    public void Percent_coordinates_outside_0_to_100_are_refused()
    {
        Throws(() => Regions.Rectangle("l", "i", Photo, 101, 0, 10, 10, ["Car"]), "rectanglelabels", "x", "0–100", "101");
        Throws(() => Regions.Rectangle("l", "i", Photo, 10, -1, 10, 10, ["Car"]), "y", "-1");
        Throws(() => Regions.Rectangle("l", "i", Photo, 10, 10, 10, 100.5, ["Car"]), "height");
        Throws(() => Regions.Rectangle("l", "i", Photo, 95, 10, 10, 10, ["Car"]), "x + width", "105");
        Throws(() => Regions.Polygon("p", "i", Photo, [(1, 1), (2, 200), (3, 3)], ["Car"]), "points[1].Y", "200");
        Throws(() => Regions.KeyPoint("k", "i", Photo, 50, 100.2, ["nose"]), "keypointlabels", "y");
        Throws(() => Regions.Ellipse("e", "i", Photo, 50, 50, 60, 10, ["Cell"]), "radiusX", "0–50");
    }

    [Fact]
    public void Non_finite_numbers_are_refused()
    {
        Throws(() => Regions.Rectangle("l", "i", Photo, double.NaN, 0, 10, 10, ["Car"]), "x", "finite");
        Throws(() => Regions.Number("n", "t", double.PositiveInfinity), "number", "finite");
        Throws(() => Regions.TimeSeriesSpan("l", "ts", double.NaN, 1, ["Run"]), "start");
    }

    [Fact]
    public void Rotation_must_be_0_to_360_degrees()
    {
        Throws(() => Regions.Rectangle("l", "i", Photo, 10, 10, 10, 10, ["Car"], rotation: 400), "rotation", "0–360");
        Throws(() => Regions.Ellipse("e", "i", Photo, 10, 10, 5, 5, ["Cell"], rotation: -5), "rotation");
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Score_outside_0_to_1_is_refused(double score)
    {
        Throws(() => Regions.Choices("c", "t", ["A"], score), "score", "0–1");
        Throws(() => Regions.Span("l", "t", 0, 1, "a", ["X"], score: score), "score");
    }

    [Fact]
    public void Score_with_float_drift_is_clamped()
    {
        Assert.Equal(1.0, Regions.Choices("c", "t", ["A"], 1.0000001).Score);
    }

    [Fact]
    public void Empty_names_are_refused()
    {
        Throws(() => Regions.Choices("", "text", ["A"]), "fromName");
        Throws(() => Regions.Span("label", " ", 0, 1, "a", ["X"]), "toName");
        Throws(() => Regions.Rectangle("l", null!, Photo, 1, 1, 1, 1, ["Car"]), "toName");
        Throws(() => Regions.Choices("c", "t", ["A"], id: ""), "id");
    }

    [Fact]
    public void Labels_must_be_non_empty_names()
    {
        Throws(() => Regions.Span("l", "t", 0, 1, "a", []), "at least one", "labels");
        Throws(() => Regions.Choices("c", "t", ["A", ""]), "choices[1]", "empty");
        Throws(() => Regions.Rectangle("l", "i", Photo, 1, 1, 1, 1, null!), "labels");
        Throws(() => Regions.Taxonomy("t", "text", [["A"], []]), "paths[1]");
    }

    [Fact]
    public void Span_offsets_must_be_ordered()
    {
        Throws(() => Regions.Span("l", "t", 10, 5, "x", ["X"]), "start=10", "end=5");
        Throws(() => Regions.Span("l", "t", -1, 5, "x", ["X"]), "start=-1");
        Throws(() => Regions.ParagraphSpan("l", "d", 2, 0, 1, 0, "x", ["X"]), "startParagraph");
        Throws(() => Regions.HyperTextSpan("l", "h", "/p[1]", 8, "/p[1]", 2, "x", ["X"]), "startOffset <= endOffset");
        Throws(() => Regions.HyperTextSpan("l", "h", "", 0, "/p[1]", 2, "x", ["X"]), "startXPath");
        Throws(() => Regions.TimeSeriesSpan("l", "ts", 5, 1, ["Run"]), "start <= end");
        Throws(() => Regions.TimeSeriesSpan("l", "ts", 1, 2, ["Run"], instant: true), "instant");
    }

    [Fact]
    public void Image_size_must_be_known()
    {
        Throws(() => _ = new ImageSize(0, 10), "positive");
        Throws(() => Regions.Rectangle("l", "i", default, 1, 1, 1, 1, ["Car"]), "original image size");
    }

    [Fact]
    public void Polygon_needs_three_points()
    {
        Throws(() => Regions.Polygon("p", "i", Photo, [(1, 1), (2, 2)], ["Car"]), "at least 3 points");
    }

    [Fact]
    public void Brush_mask_must_match_the_image_size()
    {
        Throws(() => Regions.Brush("b", "i", new ImageSize(4, 4), new byte[15], ["Banana"]), "16 bytes", "4x4", "15");
        Throws(() => Regions.Brush("b", "i", new ImageSize(4, 4), new[] { 1, 300 }, ["Banana"]), "item 1", "300");
        Throws(() => Regions.Brush("b", "i", new ImageSize(4, 4), Array.Empty<int>(), ["Banana"]), "non-empty RLE");
    }

    [Fact]
    public void Per_region_textarea_needs_a_shape_with_an_id()
    {
        var shape = new Region { FromName = "bbox", ToName = "image", Type = "rectanglelabels", Value = new RegionValue { X = 1 } };
        Throws(() => Regions.TextArea("transcription", shape, ["x"]), "shape has none");
        Throws(() => Regions.TextArea("transcription", Regions.Relation("a", "b"), ["x"]), "relation");
        Throws(() => Regions.TextArea("answer", "audio", []), "at least one line");
    }

    [Fact]
    public void Controls_with_a_fixed_vocabulary_refuse_other_values()
    {
        Throws(() => Regions.Pairwise("pw", "middle"), "\"left\" or \"right\"", "middle");
        Throws(() => Regions.Relation("a", "b", "up"), "direction", "up");
        Throws(() => Regions.Rating("r", "t", -1), "negative");
        Throws(() => Regions.Relation("", "b"), "fromId");
    }

    [Fact]
    public void Video_keyframes_are_checked()
    {
        VideoKeyframe Frame(int frame, double x = 10) => new(frame, true, x, 10, 10, 10, frame / 25.0);

        Throws(() => Regions.VideoRectangle("b", "v", 100, 4, [Frame(0)], []), "frame 0", "1–100");
        Throws(() => Regions.VideoRectangle("b", "v", 100, 4, [Frame(5), Frame(3)], []), "increasing frame order");
        Throws(() => Regions.VideoRectangle("b", "v", 100, 4, [Frame(1, x: 120)], []), "sequence[0].X");
        Throws(() => Regions.VideoRectangle("b", "v", 0, 4, [Frame(1)], []), "framesCount");
        Throws(() => Regions.VideoRectangle("b", "v", 100, 4, [], []), "at least one keyframe");
        Throws(() => Regions.TimelineSpan("t", "v", [(5, 2)], ["run"]), "ranges[0]");
    }
}
