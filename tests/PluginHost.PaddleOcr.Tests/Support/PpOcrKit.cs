using PluginHost.Tests.Shared;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Plugins.PaddleOcr;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Protocol;

namespace PluginHost.PaddleOcr.Tests.Support;

/// <summary>Builds <c>ppocr</c> backends on the real weights the plugin build fetched, and requests as Label Studio sends them.</summary>
public static class PpOcrKit
{
    /// <summary>The easyocr example's set-up: a plain polygon per text line and its transcription.</summary>
    public const string PolygonConfig = """
        <View>
          <Image name="image" value="$ocr"/>
          <Polygon name="poly" toName="image" strokeWidth="3"/>
          <TextArea name="transcription" toName="image" editable="true" perRegion="true" required="true" maxSubmissions="1" rows="5"
                    placeholder="Recognized Text" displayMode="region-list"/>
        </View>
        """;

    /// <summary>Label Studio's OCR template: labelled rectangles (rotated as the text runs) and the transcription.</summary>
    public const string RectangleConfig = """
        <View>
          <Image name="image" value="$ocr"/>
          <RectangleLabels name="bbox" toName="image" strokeWidth="1" smart="true">
            <Label value="Handwriting" background="blue"/>
            <Label value="Text" background="green"/>
          </RectangleLabels>
          <TextArea name="transcription" toName="image" editable="true" perRegion="true" required="false" maxSubmissions="1" rows="5"
                    placeholder="Recognized Text" displayMode="region-list"/>
        </View>
        """;

    public static string ModelDirectory { get; } = typeof(PpOcrKit).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "PpOcrModels").Value!;

    public static PaddleOcrBackend Create(ITaskDataResolver resolver, PpOcrSettings? settings = null, string? modelDirectory = null) =>
        new(Options.Create(settings ?? new PpOcrSettings { ModelDirectory = modelDirectory ?? ModelDirectory }), resolver,
            NullLogger<PaddleOcrBackend>.Instance, new BackendEnvironment
            {
                Name = "ppocr",
                Settings = new ConfigurationBuilder().Build(),
                ModelDirectory = Path.GetTempPath(),
                SourceDirectory = Path.GetTempPath(),
            });

    public static PredictContext Context(string config, IReadOnlyList<string> images, InteractiveContext? interactive = null) =>
        ImageTaskContexts.Create("ppocr", config, images, "ocr", firstTaskId: 700, interactive);
}
