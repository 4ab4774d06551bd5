using PluginHost.Imaging;
using SkiaSharp;

namespace PluginHost.Ocr.Tests;

/// <summary>Percent → pixel conversion of drawn boxes, clipping, and the crops cut from them.</summary>
public sealed class RegionBoxTests
{
    [Fact]
    public void Percentages_become_pixels_of_the_image()
    {
        var box = RegionBox.FromPercent(10, 20, 30, 40, 0, 1000, 500);

        Assert.Equal(new RegionBox(100, 100, 300, 200, 0), box);
        Assert.Equal(new PixelRect(100, 100, 300, 200), box.Clip(1000, 500));
    }

    [Fact]
    public void Partly_covered_pixels_are_included()
    {
        // 12.34% of 640 = 78.976 px; (12.34 + 5.55)% = 114.496 px → pixels 78..114 (37 wide).
        var rect = RegionBox.FromPercent(12.34, 50.01, 5.55, 10, 0, 640, 480).Clip(640, 480);

        Assert.Equal(new PixelRect(78, 240, 37, 49), rect);
    }

    [Fact]
    public void Float_noise_does_not_add_a_pixel()
    {
        // 100/3 % of 300 px is 100 px give or take float rounding: the box must stay exactly 100 px.
        var rect = RegionBox.FromPercent(100.0 / 3, 0, 100.0 / 3, 50, 0, 300, 200).Clip(300, 200);

        Assert.Equal(new PixelRect(100, 0, 100, 100), rect);
    }

    [Theory]
    [InlineData(-5, -10, 20, 30, 0, 0, 30, 40)]      // past the top-left corner
    [InlineData(90, 80, 20, 30, 180, 160, 20, 40)]   // past the bottom-right corner
    [InlineData(-10, -10, 120, 120, 0, 0, 200, 200)] // larger than the image
    public void Boxes_are_clipped_to_the_image(double x, double y, double w, double h, int left, int top, int width, int height)
    {
        var box = RegionBox.FromPercent(x, y, w, h, 0, 200, 200);

        Assert.Equal(new PixelRect(left, top, width, height), box.Clip(200, 200));
        Assert.True(box.Touches(200, 200));
    }

    [Theory]
    [InlineData(101, 10, 5, 5, 0)]
    [InlineData(-20, 10, 15, 5, 0)]
    [InlineData(10, 10, 0, 5, 0)]
    [InlineData(-30, -30, 10, 10, 45)]
    public void Boxes_off_the_image_or_without_area_touch_nothing(double x, double y, double w, double h, double rotation)
    {
        var box = RegionBox.FromPercent(x, y, w, h, rotation, 200, 100);

        Assert.False(box.Touches(200, 100));
    }

    [Fact]
    public void A_rotated_box_off_the_image_can_swing_onto_it()
    {
        // Corner just right of the image, turned 180°: the box lies to the left of its corner, on the image.
        Assert.True(RegionBox.FromPercent(105, 50, 20, 10, 180, 200, 100).Touches(200, 100));
    }

    [Theory]
    [InlineData(-90, 270)]
    [InlineData(360, 0)]
    [InlineData(725, 5)]
    public void Rotation_is_normalised_to_0_360(double rotation, double expected)
    {
        var box = RegionBox.FromPercent(1, 1, 1, 1, rotation, 100, 100);

        Assert.Equal(expected, box.Rotation, 9);
        Assert.Equal(expected != 0, box.IsRotated);
    }

    [Theory]
    [InlineData(double.NaN, 1, 1, 1, "x")]
    [InlineData(1, double.PositiveInfinity, 1, 1, "y")]
    [InlineData(1, 1, -1, 1, "size")]
    public void Bad_numbers_are_refused_by_name(double x, double y, double w, double h, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => RegionBox.FromPercent(x, y, w, h, 0, 100, 100));

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Crop_holds_exactly_the_boxed_pixels_inside_a_margin_of_their_background()
    {
        // A gray gradient image: every pixel's value tells where it came from.
        using var bitmap = new SKBitmap(new SKImageInfo(64, 32, SKColorType.Gray8, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (var y = 0; y < 32; y++)
            for (var x = 0; x < 64; x++) pixels[y * bitmap.RowBytes + x] = (byte)(x + 2 * y);
        using var image = DecodedImage.FromBitmap(bitmap.Copy());

        using var crop = image.Cut(RegionBox.FromPercent(25, 50, 12.5, 25, 0, 64, 32), padding: 3)!;

        Assert.Equal((8, 8), (crop.Width, crop.Height)); // x 16..23, y 16..23
        var data = crop.ToArray();
        var stride = crop.Bitmap.RowBytes;
        for (var y = 0; y < 8; y++)
            for (var x = 0; x < 8; x++) Assert.Equal((byte)(16 + x + 2 * (16 + y)), data[(3 + y) * stride + 3 + x]);
        // The margin is the median of the crop's outermost pixels.
        var border = Enumerable.Range(0, 8).SelectMany(i => new[] { 16 + i + 32, 16 + i + 46, 16 + 2 * (16 + i), 23 + 2 * (16 + i) }).Order().ToList();
        Assert.Equal((byte)border[border.Count / 2], data[0]);
    }

    [Fact]
    public void Box_entirely_off_the_image_has_no_crop()
    {
        using var image = DecodedImage.FromBitmap(new SKBitmap(new SKImageInfo(10, 10, SKColorType.Gray8, SKAlphaType.Opaque)));

        Assert.Null(image.Cut(RegionBox.FromPercent(200, 0, 10, 10, 0, 10, 10), padding: 2));
    }
}
