using PluginHost.Ocr.Tests.Support;
using PluginHost.Plugins.Ocr;
using PluginHost.Imaging;
using SkiaSharp;

namespace PluginHost.Ocr.Tests;

/// <summary>Box after box on one image decodes it once; changed files and the pixel budget are honoured.</summary>
public sealed class DecodedImageCacheTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private string WritePng(string name, int width, int height)
    {
        using var page = TextPage.Render(width, height, [name], fontSize: 10); // different names, different bytes
        var path = _temp.File(name);
        File.WriteAllBytes(path, page.Png());
        return path;
    }

    private static DecodedImage Decode(byte[] encoded) => DecodedImage.Load(encoded, ImagePixels.Gray8, 100_000_000);

    [Fact]
    public void The_same_file_is_decoded_once_even_when_touched_and_a_rewritten_one_again()
    {
        var path = WritePng("a.png", 100, 50);
        using var cache = new DecodedImageCache(1_000_000);

        using (var first = cache.Get(path, Decode))
        using (var second = cache.Get(path, Decode))
            Assert.Same(first.Image, second.Image);
        Assert.Equal(1, cache.Decodes);

        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1)); // touched, not changed: still cached
        using (cache.Get(path, Decode)) { }
        Assert.Equal(1, cache.Decodes);
        File.WriteAllBytes(path, File.ReadAllBytes(WritePng("b.png", 120, 50)));
        using (var changed = cache.Get(path, Decode)) Assert.Equal(120, changed.Image.Width);
        Assert.Equal(2, cache.Decodes);
    }

    [Fact]
    public void Over_budget_the_oldest_image_goes_but_only_after_its_last_user_is_done()
    {
        var a = WritePng("a.png", 100, 100);
        var b = WritePng("b.png", 100, 100);
        using var cache = new DecodedImageCache(15_000); // room for one 100×100 image

        var inUse = cache.Get(a, Decode);
        using (cache.Get(b, Decode))
        {
            Assert.False(inUse.Image.IsDisposed); // evicted from the cache but still read by a request
        }
        var evicted = inUse.Image;
        inUse.Dispose();
        Assert.True(evicted.IsDisposed);

        using (cache.Get(b, Decode)) { }
        Assert.Equal(2, cache.Decodes); // b stayed
        using (cache.Get(a, Decode)) { }
        Assert.Equal(3, cache.Decodes); // a had to be decoded again
    }

    [Fact]
    public void Images_larger_than_the_budget_are_not_kept()
    {
        var path = WritePng("big.png", 200, 100);
        using var cache = new DecodedImageCache(0);

        DecodedImage image;
        using (var lease = cache.Get(path, Decode)) image = lease.Image;
        using (cache.Get(path, Decode)) { }

        Assert.True(image.IsDisposed);
        Assert.Equal(2, cache.Decodes);
    }

    [Fact]
    public async Task Backend_decodes_an_image_once_for_boxes_drawn_one_after_another()
    {
        using var data = new TaskData(_temp.File("cache"));
        using var page = TextPage.Render(700, 200, ["First line here", "Second line here"], fontSize: 30);
        var image = TextPage.DataUri(page.Png());
        using var backend = OcrKit.Create(data.Resolver);

        for (var i = 0; i < 2; i++)
        {
            var box = OcrKit.Box($"b{i}", page.Lines[i].Percent(page.Width, page.Height), page.Width, page.Height);
            var prediction = Assert.Single(await backend.PredictAsync(OcrKit.Interactive(image, box), CancellationToken.None));
            Assert.Equal(page.Lines[i].Text, prediction.Result[1].Value!.TextLines![0]);
        }

        Assert.Equal(1, backend.ImagesDecoded);
        using var uncached = OcrKit.Create(data.Resolver, new OcrSettings { DecodedImageCacheMegapixels = 0 });
        for (var i = 0; i < 2; i++)
            await uncached.PredictAsync(OcrKit.Interactive(image, OcrKit.Box("u", page.Lines[0].Percent(page.Width, page.Height), page.Width, page.Height)), CancellationToken.None);
        Assert.Equal(2, uncached.ImagesDecoded);
    }
}
