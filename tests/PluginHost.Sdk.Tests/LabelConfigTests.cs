using PluginHost.Sdk.LabelConfigs;

namespace PluginHost.Sdk.Tests;

/// <summary>Label configs as Label Studio's templates write them.</summary>
public class LabelConfigTests
{
    internal const string Sentiment = """
        <View>
          <Header value="Choose text sentiment:"/>
          <Text name="text" value="$text"/>
          <Choices name="sentiment" toName="text" choice="single" showInline="true">
            <Choice value="Positive"/>
            <Choice value="Negative"/>
            <Choice value="Neutral"/>
          </Choices>
        </View>
        """;

    internal const string NerWithRelations = """
        <View>
          <Relations>
            <Relation value="org:founded_by"/>
            <Relation value="org:founded"/>
          </Relations>
          <Labels name="label" toName="text">
            <Label value="Organization" background="orange"/>
            <Label value="Person" background="green"/>
            <Label value="Datetime" background="blue"/>
          </Labels>
          <Text name="text" value="$text"/>
        </View>
        """;

    internal const string Detection = """
        <View>
          <Image name="image" value="$image"/>
          <RectangleLabels name="label" toName="image" model_score_threshold="0.25" model_path="yolov8n.pt">
            <Label value="Airplane" background="green" predicted_values="airplane"/>
            <Label value="Car" background="blue" predicted_values="car, truck"/>
            <Label value="Vehicle" predicted_values="Bus"/>
            <Label value="Bus"/>
          </RectangleLabels>
        </View>
        """;

    internal const string Ocr = """
        <View>
          <Image name="image" value="$ocr"/>
          <Labels name="label" toName="image">
            <Label value="Text" background="green"/>
            <Label value="Handwriting" background="blue"/>
          </Labels>
          <Rectangle name="bbox" toName="image" strokeWidth="3"/>
          <Polygon name="poly" toName="image" strokeWidth="3"/>
          <TextArea name="transcription" toName="image" editable="true" perRegion="true" required="true"
                    maxSubmissions="1" rows="5" placeholder="Recognized Text" displayMode="region-list"/>
        </View>
        """;

    internal const string Taxonomy = """
        <View>
          <Text name="text" value="$text"/>
          <Taxonomy name="taxonomy" toName="text">
            <Choice value="Archaea"/>
            <Choice value="Bacteria"/>
            <Choice value="Eukarya">
              <Choice value="Human"/>
              <Choice value="Oppossum"/>
              <Choice value="Extraterrestial"/>
            </Choice>
          </Taxonomy>
        </View>
        """;

    internal const string Layout = """
        <View>
          <View style="display: flex;">
            <View style="width: 50%">
              <Header value="$title"/>
              <Image name="img-left" value="$left"/>
            </View>
            <View style="width: 50%">
              <Image name="img-right" value="$right"/>
            </View>
          </View>
          <View style="box-shadow: 2px 2px 5px #999; padding: 20px">
            <Choices name="quality" toName="img-left, img-right" choice="multiple" required="true">
              <View style="display: grid">
                <Choice value="Sharp" alias="sharp" hotkey="1"/>
                <View><Choice value="Blurry"/></View>
                <Choice value=""/>
              </View>
            </Choices>
          </View>
          <Pairwise name="pw" toName="img-left,img-right"/>
          <Rating name="rating" toName="img-left" maxRating="10"/>
          <Filter name="filter" toName="quality" minlength="0"/>
          <Image name="gallery" valueList="$images"/>
          <Labels name="dyn" toName="img-left" value="$options"/>
        </View>
        """;

    [Fact]
    public void Controls_objects_and_labels_of_a_classification_config()
    {
        var config = LabelConfig.Parse(Sentiment);

        var control = Assert.Single(config.Controls);
        Assert.Equal("sentiment", control.Name);
        Assert.Equal("Choices", control.Tag);
        Assert.Equal("choices", control.Type);
        Assert.Equal(["text"], control.ToNames);
        Assert.Equal(["Positive", "Negative", "Neutral"], control.LabelValues);
        Assert.False(control.IsMultipleChoice);
        var text = Assert.Single(config.Objects);
        Assert.Equal("text", text.Name);
        Assert.Equal("text", text.Type);
        Assert.Equal("$text", text.Value);
        Assert.Equal("text", text.ValueKey);
        Assert.True(text.ValueIsVariable);
        Assert.Same(text, control.Object);
        Assert.Same(control, config.FindControl("Choices", "Text"));
        Assert.Null(config.FindControl("Labels"));
    }

    [Fact]
    public void Labels_carry_background_and_relations_are_collected()
    {
        var config = LabelConfig.Parse(NerWithRelations);

        var labels = Assert.Single(config.Controls);
        Assert.Equal(["Organization", "Person", "Datetime"], labels.LabelValues);
        Assert.Equal("orange", labels.Labels[0].Background);
        Assert.Equal(["org:founded_by", "org:founded"], config.RelationLabels);
        Assert.Equal("Label", labels.Labels[0].Tag);
    }

    [Fact]
    public void Attributes_like_model_score_threshold_are_exposed()
    {
        var control = LabelConfig.Parse(Detection).GetControl("label")!;

        Assert.Equal(0.25, control.NumberAttribute("model_score_threshold"));
        Assert.Equal("yolov8n.pt", control.Attribute("model_path"));
        Assert.Null(control.NumberAttribute("model_path"));
        Assert.Null(control.NumberAttribute("missing"));
        Assert.Equal(["car", "truck"], control.Labels[1].PredictedValues);
        Assert.Equal("blue", control.Labels[1].Attribute("background"));
    }

    [Fact]
    public void Label_map_prefers_predicted_values_then_exact_then_case_insensitive()
    {
        var map = LabelConfig.Parse(Detection).GetControl("label")!.LabelMap;

        Assert.Equal("Car", map.Map("truck"));
        Assert.Equal("Car", map.Map("car"));
        Assert.Equal("Airplane", map.Map("airplane"));
        Assert.Equal("Vehicle", map.Map("Bus"));
        Assert.Equal("Car", map.Map("Car"));
        Assert.Equal("Bus", map.Map("BUS"));
        Assert.Equal("Airplane", map.Map("AIRPLANE"));
        Assert.Null(map.Map("boat"));
    }

    [Fact]
    public void Per_region_textarea_and_several_controls_on_one_image()
    {
        var config = LabelConfig.Parse(Ocr);

        Assert.Equal(["label", "bbox", "poly", "transcription"], config.Controls.Select(c => c.Name));
        var textArea = config.GetControl("transcription")!;
        Assert.True(textArea.IsPerRegion);
        Assert.Equal("textarea", textArea.Type);
        Assert.Empty(textArea.Labels);
        Assert.Equal("ocr", config.GetObject("image")!.ValueKey);
        Assert.All(config.Controls, c => Assert.Equal("image", c.Object!.Name));
        Assert.Equal("poly", config.FindControl("Polygon", "Image")!.Name);
    }

    [Fact]
    public void Nested_taxonomy_choices_keep_their_paths()
    {
        var control = LabelConfig.Parse(Taxonomy).GetControl("taxonomy")!;

        Assert.Equal(["Archaea", "Bacteria", "Eukarya", "Human", "Oppossum", "Extraterrestial"], control.LabelValues);
        var human = control.Labels.Single(l => l.Value == "Human");
        Assert.Equal("Eukarya", human.Parent!.Value);
        Assert.Equal(["Eukarya", "Human"], human.Path);
        Assert.Equal(["Archaea"], control.Labels[0].Path);
    }

    [Fact]
    public void Nested_views_aliases_commas_filters_value_lists_and_dynamic_labels()
    {
        var config = LabelConfig.Parse(Layout);

        var quality = config.GetControl("quality")!;
        Assert.Equal(["img-left", "img-right"], quality.ToNames);
        Assert.Equal(["img-left", "img-right"], quality.Objects.Select(o => o.Name));
        Assert.True(quality.IsMultipleChoice);
        // Choices nested in Views still belong to the control; results carry the alias; empty values are skipped.
        Assert.Equal(["sharp", "Blurry"], quality.LabelValues);
        Assert.Equal("Sharp", quality.Labels[0].Caption);

        Assert.Equal(["img-left", "img-right"], config.GetControl("pw")!.ToNames);
        Assert.Equal(10, config.GetControl("rating")!.NumberAttribute("maxRating"));
        Assert.Null(config.GetControl("filter"));
        Assert.Equal("images", config.GetObject("gallery")!.ValueKey);
        Assert.Equal("options", config.GetControl("dyn")!.DynamicValueKey);
        Assert.Null(quality.DynamicValueKey);
        Assert.Equal(["img-left", "img-right", "gallery"], config.Objects.Select(o => o.Name));
    }

    [Fact]
    public void Controls_need_a_non_empty_to_name()
    {
        var config = LabelConfig.Parse("""<View><Text name="t" value="$t"/><Choices name="c" toName=""><Choice value="A"/></Choices></View>""");

        Assert.Empty(config.Controls);
    }

    [Fact]
    public void Unknown_to_names_leave_the_control_without_objects()
    {
        var control = LabelConfig.Parse("""<View><Choices name="c" toName="missing"><Choice value="A"/></Choices></View>""").Controls[0];

        Assert.Equal(["missing"], control.ToNames);
        Assert.Empty(control.Objects);
        Assert.Null(control.Object);
    }

    [Fact]
    public void A_dtd_is_refused()
    {
        const string xml = """<!DOCTYPE View [<!ENTITY greeting "hi">]><View><Header value="&greeting;"/></View>""";

        var ex = Assert.Throws<LabelConfigException>(() => LabelConfig.Parse(xml));
        Assert.Contains("DTD", ex.Message);
    }

    [Fact]
    public void An_external_entity_is_refused_and_never_read()
    {
        var secret = Path.Combine(Path.GetTempPath(), $"secret-{Guid.NewGuid():N}.txt");
        File.WriteAllText(secret, "TOP-SECRET");
        try
        {
            var xml = $"""<?xml version="1.0"?><!DOCTYPE View [<!ENTITY xxe SYSTEM "file://{secret}">]><View><Text name="t" value="&xxe;"/></View>""";

            var ex = Assert.Throws<LabelConfigException>(() => LabelConfig.Parse(xml));
            Assert.DoesNotContain("TOP-SECRET", ex.Message);
            Assert.False(LabelConfig.TryParse(xml, out var config, out var error));
            Assert.Null(config);
            Assert.Contains("not valid XML", error);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Theory]
    [InlineData("<View><Text name=\"t\" value=\"$t\"></View>")]
    [InlineData("<View><Choices name=\"c\" toName=\"t\"><Choice value=\"A\"></Choices></View>")]
    [InlineData("just text")]
    [InlineData("<View></View><View></View>")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Malformed_configs_give_a_label_config_exception(string? xml)
    {
        var ex = Assert.Throws<LabelConfigException>(() => LabelConfig.Parse(xml));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void TryParse_returns_the_config_on_success()
    {
        Assert.True(LabelConfig.TryParse(Sentiment, out var config, out var error));
        Assert.Null(error);
        Assert.Equal("sentiment", config!.Controls[0].Name);
        Assert.Equal(Sentiment, config.Xml);
    }
}
