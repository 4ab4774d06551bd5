using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using PluginHost.Backends;
using PluginHost.Ocr.Tests.Support;
using static PluginHost.Tests.HotReloadKit;
using static PluginHost.Tests.LabelStudioRequests;

namespace PluginHost.Tests;

/// <summary>The OCR plugin calls a native library (libtesseract, loaded once per process) and hands Tesseract a
/// callback into its own code: a reload must keep reading, and the old version must still unload.</summary>
public sealed class OcrReloadTests
{
    private const string Config = """
        <View><Image name="image" value="$ocr"/><RectangleLabels name="bbox" toName="image"><Label value="Text"/></RectangleLabels>
          <TextArea name="transcription" toName="image" perRegion="true"/></View>
        """;

    [Fact]
    public async Task Reloaded_ocr_plugin_keeps_reading_and_the_old_version_is_disposed_and_unloaded()
    {
        using var page = TextPage.Render(600, 140, ["Reload safe 2025"], fontSize: 34);
        var image = TextPage.DataUri(page.Png());
        var (x, y, w, h) = page.Lines[0].Percent(page.Width, page.Height);
        var request = $$"""
            {"tasks":[{"id":1,"data":{"ocr":"{{image}}"} } ],"project":"4.1712586036","label_config":{{Escape(Config)}} ,
             "params":{"context":{"result":[ {"id":"r","from_name":"bbox","to_name":"image","type":"rectanglelabels",
               "value":{"x":{{x}},"y":{{y}},"width":{{w}},"height":{{h}},"rotation":0,"rectanglelabels":["Text"]} } ] } } }
            """;
        var (host, dir) = await StartWatchingAsync(new Dictionary<string, string?> { ["TaskData:CacheDirectory"] = TempDirs.Create("task-data") },
            ("ocr", PluginFolders.BuiltIn("ocr")));
        await using var _ = host;

        async Task AssertReadsAsync()
        {
            var (status, body) = await host.PostAsync("/ocr/predict", request);
            Assert.Equal(200, status);
            Assert.Equal("Reload safe 2025", (string?)body["results"]![0]!["result"]![1]!["value"]!["text"]![0]);
        }

        await AssertReadsAsync();
        var (context, disposed) = ObserveCurrent(host.Get<BackendRegistry>());
        var loadedAt = await LoadedAtAsync(host);
        File.SetLastWriteTimeUtc(Path.Combine(dir, "ocr", "PluginHost.Plugins.Ocr.dll"), DateTime.UtcNow.AddSeconds(1)); // a rebuild
        await WaitUntilAsync(async () => await LoadedAtAsync(host) != loadedAt, TimeSpan.FromSeconds(20), "the reloaded ocr plugin is served");

        await AssertReadsAsync();
        await disposed.WaitAsync(TimeSpan.FromSeconds(10));
#if RELEASE
        // Unloading needs a Release build: the Debug JIT keeps old load contexts alive.
        for (var i = 0; i < 50 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(50);
        }
        Assert.False(context.IsAlive, "the load context of the replaced ocr plugin is still alive");
#else
        Assert.NotNull(context);
#endif
    }

    /// <summary>Kept out of line so no local of the test method roots the old version.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Context, Task Disposed) ObserveCurrent(BackendRegistry registry)
    {
        Assert.True(registry.TryGet("ocr", out var slot));
        var generation = slot.Current ?? throw new InvalidOperationException("nothing loaded");
        var context = AssemblyLoadContext.GetLoadContext(generation.Backend.GetType().Assembly)!;
        Assert.True(context.IsCollectible);
        return (new WeakReference(context), generation.Disposed);
    }

    private static async Task<string?> LoadedAtAsync(RunningHost host) => (string?)(await host.GetAsync("/ocr/health")).Body["loaded_at"];
}
