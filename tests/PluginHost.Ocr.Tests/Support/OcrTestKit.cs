using PluginHost.Tests.Shared;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Plugins.Ocr;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Ocr.Tests.Support;

/// <summary>Builds OCR backends and requests the way the host does.</summary>
public static class OcrKit
{
    /// <summary>Label Studio's OCR set-up, as the Python tesseract example documents it.</summary>
    public const string Config = """
        <View>
          <Image name="image" value="$ocr"/>
          <RectangleLabels name="bbox" toName="image" strokeWidth="1" smart="true">
            <Label value="Handwriting" background="blue"/>
            <Label value="Text" background="green"/>
          </RectangleLabels>
          <TextArea name="transcription" toName="image" editable="true" perRegion="true" required="false"
                    maxSubmissions="1" rows="5" placeholder="Recognized Text" displayMode="region-list"/>
        </View>
        """;

    public static OcrBackend Create(ITaskDataResolver resolver, OcrSettings? settings = null, string? modelDirectory = null)
    {
        var folder = modelDirectory ?? Path.GetTempPath();
        return new OcrBackend(Options.Create(settings ?? new OcrSettings()), resolver, NullLogger<OcrBackend>.Instance, new BackendEnvironment
        {
            Name = "ocr",
            Settings = new ConfigurationBuilder().Build(),
            ModelDirectory = folder,
            SourceDirectory = folder,
        });
    }

    /// <summary>A drawn box as Label Studio sends it in an interactive context.</summary>
    public static AnnotationRegion Box(string id, (double X, double Y, double Width, double Height) box, int originalWidth, int originalHeight,
        double rotation = 0, string type = "rectanglelabels", string label = "Text") =>
        JsonSerializer.Deserialize<AnnotationRegion>(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = id,
            ["from_name"] = "bbox",
            ["to_name"] = "image",
            ["type"] = type,
            ["origin"] = "manual",
            ["original_width"] = originalWidth,
            ["original_height"] = originalHeight,
            ["image_rotation"] = 0,
            ["value"] = type == "rectanglelabels"
                ? new Dictionary<string, object> { ["x"] = box.X, ["y"] = box.Y, ["width"] = box.Width, ["height"] = box.Height, ["rotation"] = rotation, ["rectanglelabels"] = new[] { label } }
                : new Dictionary<string, object> { ["x"] = box.X, ["y"] = box.Y, ["width"] = box.Width, ["height"] = box.Height, ["rotation"] = rotation },
        }), Sdk.Json.SdkJson.Options)!;

    public static PredictContext Interactive(string image, params AnnotationRegion[] drawn) => Context(Config, [image], new InteractiveContext { Result = [.. drawn] });

    public static PredictContext Batch(string config, params string[] images) => Context(config, images, null);

    public static PredictContext Context(string config, IReadOnlyList<string> images, InteractiveContext? interactive) =>
        ImageTaskContexts.Create("ocr", config, images, "ocr", firstTaskId: 500, interactive);
}
