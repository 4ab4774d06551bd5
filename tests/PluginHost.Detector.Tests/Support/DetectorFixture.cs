using PluginHost.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Plugins.OnnxDetector;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;
using SkiaSharp;

namespace PluginHost.Detector.Tests.Support;

/// <summary>
/// The planted scene every detector test shares. Model input 64×64; the test image is 256×128, so the letterbox
/// scales by 1/4 into 64×32 with 16 rows of padding on top. Red areas in the image decide which planted boxes fire.
/// </summary>
public static class Scene
{
    public const int InputSize = 64;
    public const int ImageWidth = 256;
    public const int ImageHeight = 128;
    public const string Names = "{0: 'car', 1: 'person', 2: 'dog'}";

    /// <summary>A (car .9) and C (person .7) sit on red area 1; B overlaps A (IoU 0.88, car .8) and is suppressed;
    /// D (car .95) sits on black and never fires; E is a dog (no label in the config); F (car .3) sits on red area 2.</summary>
    public static readonly PlantedBox[] Boxes =
    [
        new(16, 32, 16, 8, 0, 0.9f),  // A
        new(17, 32, 16, 8, 0, 0.8f),  // B
        new(16, 32, 16, 8, 1, 0.7f),  // C
        new(48, 32, 16, 8, 0, 0.95f), // D
        new(16, 32, 10, 10, 2, 0.9f), // E
        new(48, 40, 16, 6, 0, 0.3f),  // F
    ];

    /// <summary>Red areas in upright image pixels around the centres of A/C and F.</summary>
    public static readonly SKRectI RedArea1 = new(32, 48, 96, 80);
    public static readonly SKRectI RedArea2 = new(160, 84, 224, 112);

    /// <summary>Expected percentages: A/C map to (32,48)-(96,80), F to (160,84)-(224,108) in the 256×128 image.</summary>
    public static readonly (double X, double Y, double W, double H) RectAC = (12.5, 37.5, 25, 25);
    public static readonly (double X, double Y, double W, double H) RectF = (62.5, 65.625, 25, 18.75);

    public const string ConfigWithThreshold = """
        <View>
          <Image name="image" value="$image"/>
          <RectangleLabels name="label" toName="image" model_score_threshold="0.5">
            <Label value="Car" predicted_values="car"/>
            <Label value="Person"/>
          </RectangleLabels>
        </View>
        """;

    public const string ConfigWithoutThreshold = """
        <View>
          <Image name="image" value="$image"/>
          <RectangleLabels name="label" toName="image">
            <Label value="Car" predicted_values="car"/>
            <Label value="Person"/>
          </RectangleLabels>
        </View>
        """;

    public static byte[] Png() => TestImages.Png(ImageWidth, ImageHeight, RedArea1, RedArea2);

    public static string DataUri(byte[] image, string type = "image/png") => $"data:{type};base64,{Convert.ToBase64String(image)}";
}

/// <summary>Builds a backend the way the host will: from DI-style dependencies and a settings section.</summary>
public static class TestDetector
{
    public static DetectorBackend Create(ITaskDataResolver resolver, string modelDirectory, IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new(resolver, NullLogger<DetectorBackend>.Instance, new BackendEnvironment
        {
            Name = "detector",
            Settings = configuration,
            ModelDirectory = modelDirectory,
            SourceDirectory = modelDirectory,
        }, BoundSettings(configuration));
    }

    /// <summary>What the host does with a <c>[BackendSettings]</c> class: bind it from the backend's Settings section.</summary>
    public static IOptions<DetectorSettings> BoundSettings(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.Configure<DetectorSettings>(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<DetectorSettings>>();
    }

    public static PredictContext Context(string labelConfig, params string[] images) =>
        ImageTaskContexts.Create("detector", labelConfig, images, "image", firstTaskId: 100);
}
