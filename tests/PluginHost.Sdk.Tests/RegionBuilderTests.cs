using PluginHost.Sdk.Predictions;

namespace PluginHost.Sdk.Tests;

/// <summary>Every builder's JSON, compared with the region shapes of docs/protocol.md §2.</summary>
public class RegionBuilderTests
{
    private static readonly ImageSize Photo = new(1280, 960);

    [Fact]
    public void Span_matches_the_interactive_response_of_protocol_1_4()
    {
        var region = Regions.Span("label", "text", 32, 37, "Apple", ["ORG"], score: 0.8, id: "40de");

        JsonAssert.SerializesTo("""
            {"id":"40de","from_name":"label","to_name":"text","type":"labels","score":0.8,
             "value":{"start":32,"end":37,"labels":["ORG"],"text":"Apple"}}
            """, region);
    }

    [Fact]
    public void Predict_response_envelope_matches_protocol_1_3()
    {
        var response = new PredictResponse
        {
            Results = [new Prediction([Regions.Span("ner_tags", "text", 0, 10, "Katy Perry", ["PERSON"], id: "k1")], 0.0, "SpacyMLBackend-v0.0.1")],
        };

        JsonAssert.SerializesTo("""
            {"results":[{"model_version":"SpacyMLBackend-v0.0.1","score":0.0,"result":[{"id":"k1","from_name":"ner_tags","to_name":"text",
              "type":"labels","value":{"start":0,"end":10,"text":"Katy Perry","labels":["PERSON"]}}]}]}
            """, response);
    }

    [Fact]
    public void Prediction_without_version_or_score_leaves_them_out()
    {
        JsonAssert.SerializesTo("""{"result":[]}""", new Prediction([]));
    }

    [Fact]
    public void Span_type_parameter_writes_the_labels_under_that_type()
    {
        var region = Regions.Span("ner", "text", 0, 4, "Katy", ["PER"], id: "a", type: "hypertextlabels");

        JsonAssert.SerializesTo("""
            {"id":"a","from_name":"ner","to_name":"text","type":"hypertextlabels","value":{"start":0,"end":4,"text":"Katy","hypertextlabels":["PER"]}}
            """, region);
    }

    [Fact]
    public void HyperText_span_uses_xpaths_and_offsets()
    {
        var region = Regions.HyperTextSpan("ner", "html", "/div[1]/p[2]/text()[1]", 4, "/div[1]/p[2]/text()[1]", 9, "Apple", ["ORG"], id: "h1");

        JsonAssert.SerializesTo("""
            {"id":"h1","from_name":"ner","to_name":"html","type":"hypertextlabels",
             "value":{"start":"/div[1]/p[2]/text()[1]","end":"/div[1]/p[2]/text()[1]","startOffset":4,"endOffset":9,"text":"Apple","hypertextlabels":["ORG"]}}
            """, region);
    }

    [Fact]
    public void Paragraph_span_writes_paragraph_indexes_as_strings_like_the_editor()
    {
        var region = Regions.ParagraphSpan("label", "dialogue", 0, 0, 1, 4, "Dont ... hate", ["General: Negative"], id: "p1");

        JsonAssert.SerializesTo("""
            {"id":"p1","from_name":"label","to_name":"dialogue","type":"paragraphlabels",
             "value":{"start":"0","end":"1","startOffset":0,"endOffset":4,"text":"Dont ... hate","paragraphlabels":["General: Negative"]}}
            """, region);
    }

    [Fact]
    public void Choices_match_protocol_2()
    {
        JsonAssert.SerializesTo("""
            {"id":"c1","from_name":"sentiment","to_name":"text","type":"choices","score":0.93,"value":{"choices":["Positive"]}}
            """, Regions.Choices("sentiment", "text", ["Positive"], 0.93, "c1"));
    }

    [Fact]
    public void Rectangle_matches_protocol_2_with_image_size()
    {
        var region = Regions.Rectangle("label", "image", new ImageSize(800, 600), 21.9, 7.98, 69.3, 77.1, ["Car"], score: 0.87, id: "r1");

        JsonAssert.SerializesTo("""
            {"id":"r1","from_name":"label","to_name":"image","type":"rectanglelabels","score":0.87,
             "original_width":800,"original_height":600,"image_rotation":0,
             "value":{"x":21.9,"y":7.98,"width":69.3,"height":77.1,"rotation":0,"rectanglelabels":["Car"]}}
            """, region);
    }

    [Fact]
    public void Rectangle_from_pixel_corners_is_converted_and_clipped()
    {
        var image = new ImageSize(200, 100, rotation: 90);
        // A detector box poking 10 px out of the right edge.
        var region = Regions.Rectangle("label", "image", image, image.CornersToPercent(150, 25, 210, 75), ["Dog"], id: "r2");

        JsonAssert.SerializesTo("""
            {"id":"r2","from_name":"label","to_name":"image","type":"rectanglelabels",
             "original_width":200,"original_height":100,"image_rotation":90,
             "value":{"x":75,"y":25,"width":25,"height":50,"rotation":0,"rectanglelabels":["Dog"]}}
            """, region);
    }

    [Fact]
    public void Pixel_box_helper_converts_to_percent()
    {
        var box = new ImageSize(640, 480).ToPercent(64, 48, 320, 240);

        Assert.Equal((10.0, 10.0, 50.0, 50.0), box);
    }

    [Fact]
    public void Rectangle_clamps_float_drift_at_the_edges()
    {
        var region = Regions.Rectangle("label", "image", Photo, -0.00001, 0, 100.00002, 100, ["Car"]);

        Assert.Equal(0, region.Value!.X);
        Assert.Equal(100, region.Value.Width);
        Assert.Equal(100, region.Value.Height);
    }

    [Fact]
    public void Polygon_matches_protocol_2()
    {
        var region = Regions.Polygon("poly", "image", Photo, [(10, 10), (50.5, 12), (30, 40.25)], ["Car"], id: "g1");

        JsonAssert.SerializesTo("""
            {"id":"g1","from_name":"poly","to_name":"image","type":"polygonlabels",
             "original_width":1280,"original_height":960,"image_rotation":0,
             "value":{"points":[[10,10],[50.5,12],[30,40.25]],"closed":true,"polygonlabels":["Car"]}}
            """, region);
    }

    [Fact]
    public void KeyPoint_matches_protocol_2_with_point_width_and_parent()
    {
        var region = Regions.KeyPoint("kp", "image", Photo, 45.5, 30, ["nose"], pointWidth: 0.6, score: 0.5, id: "k1", parentId: "box1");

        JsonAssert.SerializesTo("""
            {"id":"k1","from_name":"kp","to_name":"image","type":"keypointlabels","score":0.5,"parentID":"box1",
             "original_width":1280,"original_height":960,"image_rotation":0,
             "value":{"x":45.5,"y":30,"width":0.6,"keypointlabels":["nose"]}}
            """, region);
    }

    [Fact]
    public void Ellipse_matches_protocol_2()
    {
        var region = Regions.Ellipse("ell", "image", Photo, 50, 40, 10, 5.5, ["Cell"], rotation: 30, id: "e1");

        JsonAssert.SerializesTo("""
            {"id":"e1","from_name":"ell","to_name":"image","type":"ellipselabels",
             "original_width":1280,"original_height":960,"image_rotation":0,
             "value":{"x":50,"y":40,"radiusX":10,"radiusY":5.5,"rotation":30,"ellipselabels":["Cell"]}}
            """, region);
    }

    [Fact]
    public void Brush_matches_protocol_2_and_its_rle_decodes_to_the_mask()
    {
        var image = new ImageSize(4, 3);
        byte[] mask =
        [
            0, 0, 0, 0,
            0, 1, 1, 0,
            0, 1, 1, 0,
        ];

        var region = Regions.Brush("brush", "image", image, mask, ["Banana"], score: 0.9, id: "b1");

        var rle = region.Value!.Rle!;
        JsonAssert.SerializesTo($$$"""
            {"id":"b1","from_name":"brush","to_name":"image","type":"brushlabels","score":0.9,
             "original_width":4,"original_height":3,"image_rotation":0,
             "value":{"format":"rle","rle":[{{{string.Join(",", rle)}}}],"brushlabels":["Banana"]}}
            """, region);
        Assert.Equal(mask.Select(p => p == 0 ? (byte)0 : (byte)255), BrushRle.DecodeMask(rle, 4, 3));
    }

    [Fact]
    public void TextArea_for_the_whole_object()
    {
        JsonAssert.SerializesTo("""
            {"id":"t1","from_name":"answer","to_name":"audio","type":"textarea","value":{"text":["hello world"]}}
            """, Regions.TextArea("answer", "audio", ["hello world"], id: "t1"));
    }

    [Fact]
    public void Per_region_TextArea_reuses_the_shape_id_size_and_geometry()
    {
        var box = Regions.Rectangle("bbox", "image", new ImageSize(1000, 500), 10, 20, 30, 5, ["Text"], id: "ocr1");

        var text = Regions.TextArea("transcription", box, ["Invoice 2024"], score: 0.77);

        JsonAssert.SerializesTo("""
            {"id":"ocr1","from_name":"transcription","to_name":"image","type":"textarea","score":0.77,
             "original_width":1000,"original_height":500,"image_rotation":0,
             "value":{"x":10,"y":20,"width":30,"height":5,"rotation":0,"text":["Invoice 2024"]}}
            """, text);
    }

    [Fact]
    public void Per_region_TextArea_on_a_polygon_repeats_its_points()
    {
        var polygon = Regions.Polygon("poly", "image", Photo, [(1, 1), (9, 1), (9, 3)], ["Text"], id: "p9");

        var text = Regions.TextArea("transcription", polygon, ["abc"]);

        JsonAssert.SerializesTo("""
            {"id":"p9","from_name":"transcription","to_name":"image","type":"textarea",
             "original_width":1280,"original_height":960,"image_rotation":0,
             "value":{"points":[[1,1],[9,1],[9,3]],"closed":true,"text":["abc"]}}
            """, text);
    }

    [Fact]
    public void Taxonomy_matches_protocol_2()
    {
        JsonAssert.SerializesTo("""
            {"id":"x1","from_name":"taxonomy","to_name":"text","type":"taxonomy","value":{"taxonomy":[["Root","Child"],["Other"]]}}
            """, Regions.Taxonomy("taxonomy", "text", [["Root", "Child"], ["Other"]], id: "x1"));
    }

    [Fact]
    public void Rating_number_and_datetime_match_protocol_2()
    {
        JsonAssert.SerializesTo("""{"id":"1","from_name":"r","to_name":"text","type":"rating","value":{"rating":4}}""",
            Regions.Rating("r", "text", 4, id: "1"));
        JsonAssert.SerializesTo("""{"id":"2","from_name":"n","to_name":"text","type":"number","value":{"number":3}}""",
            Regions.Number("n", "text", 3, id: "2"));
        JsonAssert.SerializesTo("""{"id":"3","from_name":"d","to_name":"text","type":"datetime","value":{"datetime":"2024-03-20"}}""",
            Regions.DateTime("d", "text", "2024-03-20", id: "3"));
        JsonAssert.SerializesTo("""{"id":"4","from_name":"d","to_name":"text","type":"datetime","value":{"datetime":"2024-03-20T20:50"}}""",
            Regions.DateTime("d", "text", new DateTime(2024, 3, 20, 20, 50, 22), id: "4"));
    }

    [Fact]
    public void Ranker_writes_the_shape_label_studio_saves()
    {
        // Label Studio saves {"ranker": {"<ranker name>": [ids]}} (LS docs, SDK RankerValue); docs/protocol.md's {"rank": [...]} is outdated.
        JsonAssert.SerializesTo("""
            {"id":"k","from_name":"rank","to_name":"results","type":"ranker","value":{"ranker":{"rank":["mdn","blog","wiki"]}}}
            """, Regions.Ranker("rank", "results", ["mdn", "blog", "wiki"], id: "k"));
        JsonAssert.SerializesTo("""
            {"id":"k","from_name":"rank","to_name":"results","type":"ranker","value":{"ranker":{"relevant":["mdn"],"noise":["wiki","blog"]}}}
            """, Regions.Ranker("rank", "results", new Dictionary<string, IReadOnlyList<string>> { ["relevant"] = ["mdn"], ["noise"] = ["wiki", "blog"] }, id: "k"));
    }

    [Fact]
    public void Pairwise_matches_protocol_2_with_its_own_name_as_target()
    {
        JsonAssert.SerializesTo("""
            {"id":"pw1","from_name":"pw","to_name":"pw","type":"pairwise","value":{"selected":"left"}}
            """, Regions.Pairwise("pw", "left", id: "pw1"));
    }

    [Fact]
    public void TimeSeries_span_matches_protocol_2()
    {
        JsonAssert.SerializesTo("""
            {"id":"ts","from_name":"label","to_name":"ts","type":"timeserieslabels","score":0.6,
             "value":{"start":12.5,"end":40,"instant":false,"timeserieslabels":["Run"]}}
            """, Regions.TimeSeriesSpan("label", "ts", 12.5, 40, ["Run"], score: 0.6, id: "ts"));
    }

    [Fact]
    public void VideoRectangle_matches_protocol_2()
    {
        var region = Regions.VideoRectangle("box", "video", framesCount: 250, duration: 10, sequence:
        [
            new VideoKeyframe(1, true, 10, 20, 30, 40, 0.04),
            new VideoKeyframe(25, false, 12, 22, 30, 40, 1.0, Rotation: 5),
        ], labels: ["Car"], id: "v1");

        JsonAssert.SerializesTo("""
            {"id":"v1","from_name":"box","to_name":"video","type":"videorectangle",
             "value":{"framesCount":250,"duration":10,"labels":["Car"],"sequence":[
               {"frame":1,"enabled":true,"rotation":0,"x":10,"y":20,"width":30,"height":40,"time":0.04},
               {"frame":25,"enabled":false,"rotation":5,"x":12,"y":22,"width":30,"height":40,"time":1}]}}
            """, region);
    }

    [Fact]
    public void TimelineSpan_matches_protocol_2()
    {
        JsonAssert.SerializesTo("""
            {"id":"tl","from_name":"videoLabels","to_name":"video","type":"timelinelabels","value":{"ranges":[{"start":1,"end":30}],"timelinelabels":["run"]}}
            """, Regions.TimelineSpan("videoLabels", "video", [(1, 30)], ["run"], id: "tl"));
    }

    [Fact]
    public void Relation_matches_protocol_2()
    {
        var a = Regions.Span("label", "text", 0, 5, "Apple", ["ORG"], id: "a");
        var b = Regions.Span("label", "text", 20, 30, "Steve Jobs", ["PER"], id: "b");

        JsonAssert.SerializesTo("""
            {"type":"relation","from_id":"a","to_id":"b","direction":"right","labels":["org:founded_by"]}
            """, Regions.Relation(a, b, labels: ["org:founded_by"]));
        JsonAssert.SerializesTo("""{"type":"relation","from_id":"b","to_id":"a","direction":"bi"}""", Regions.Relation("b", "a", "bi"));
    }

    [Fact]
    public void Builders_generate_distinct_ids_when_none_is_given()
    {
        var ids = Enumerable.Range(0, 200).Select(_ => Regions.Choices("c", "t", ["A"]).Id).ToHashSet();

        Assert.Equal(200, ids.Count);
        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9]{10}$", id));
    }
}
