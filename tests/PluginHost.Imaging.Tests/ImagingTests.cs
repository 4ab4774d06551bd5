using PluginHost.Detector.Tests.Support;
using SkiaSharp;

namespace PluginHost.Imaging.Tests;

/// <summary>The shared image library: upright decode, letterbox geometry and planes, rotated and quadrilateral crops.</summary>
public sealed class ImagingTests
{
    [Theory]
    [InlineData(1, 40, 20, 12, 4)]   // as stored
    [InlineData(6, 20, 40, 16, 12)]  // rotate 90° clockwise: stored (x, y) lands at (19 − y, x)
    [InlineData(3, 40, 20, 28, 16)]  // rotate 180°: (39 − x, 19 − y)
    public void Decodes_upright_per_exif_orientation(ushort orientation, int width, int height, int redX, int redY)
    {
        // A 40×20 black JPEG with a red 4×4 square at (10..13, 2..5) as stored, centre pixel (12, 4).
        var jpeg = TestImages.WithExifOrientation(TestImages.Jpeg(40, 20, new SKRectI(10, 2, 14, 6)), orientation);

        using var image = DecodedImage.Load(jpeg, ImagePixels.Rgba8888);

        Assert.Equal((width, height), (image.Width, image.Height));
        var red = image.Bitmap.GetPixel(redX, redY); // the square's centre, upright
        Assert.True(red.Red > 200 && red.Green < 60, $"expected red near ({redX},{redY}), got {red}");
    }

    [Fact]
    public void Unreadable_bytes_are_invalid_data_with_a_reason()
    {
        var error = Assert.Throws<InvalidDataException>(() => DecodedImage.Load("not an image"u8.ToArray(), ImagePixels.Gray8));
        Assert.Contains("not a supported image format", error.Message);
    }

    [Fact]
    public void Letterbox_centres_or_aligns_top_left_and_maps_back()
    {
        var yolo = Letterbox.Fit(200, 100, 64, 64);
        Assert.Equal(new LetterboxGeometry(200, 100, 0, 16, 64, 32), yolo);
        Assert.Equal(100, yolo.ToOriginalX(yolo.ToInputX(100)), 6);
        Assert.Equal(50, yolo.ToOriginalY(32), 6);

        var topLeft = Letterbox.Fit(100, 200, 64, 64, LetterboxOptions.TopLeft);
        Assert.Equal(new LetterboxGeometry(100, 200, 0, 0, 32, 64), topLeft);
    }

    [Fact]
    public void Letterboxed_planes_hold_the_image_and_the_padding_normalized()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(20, 10, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(255, 0, 51));
        using var image = DecodedImage.FromBitmap(bitmap.Copy());
        using var canvas = Letterbox.CreateCanvas(8, 8);
        var chw = new float[3 * 64];

        var geometry = Letterbox.Prepare(image, canvas, chw);

        Assert.Equal(new LetterboxGeometry(20, 10, 0, 2, 8, 4), geometry);
        Assert.Equal(114 / 255f, chw[0], 5);                            // padding row, plane R
        Assert.Equal(1f, chw[3 * 8 + 4], 5);                            // image row 3, R
        Assert.Equal(0f, chw[64 + 3 * 8 + 4], 5);                       // G
        Assert.Equal(0.2f, chw[128 + 3 * 8 + 4], 5);                    // B

        var bgr = new ChannelNormalization([0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f], Bgr: true);
        Letterbox.Prepare(image, canvas, chw, normalization: bgr);
        Assert.Equal((0.2f - 0.5f) / 0.5f, chw[3 * 8 + 4], 5);          // plane 0 is blue in BGR
        Assert.Equal(1f, chw[128 + 3 * 8 + 4], 5);                      // plane 2 is red
    }

    [Fact]
    public void Quadrilateral_crop_of_a_rotated_box_matches_the_rotated_cut()
    {
        // A gradient: every pixel tells where it came from.
        using var bitmap = new SKBitmap(new SKImageInfo(100, 100, SKColorType.Gray8, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (var y = 0; y < 100; y++)
            for (var x = 0; x < 100; x++) pixels[y * bitmap.RowBytes + x] = (byte)(x + y);
        using var image = DecodedImage.FromBitmap(bitmap.Copy());
        var box = new RegionBox(40, 20, 30, 10, 30);

        using var cut = image.Cut(box)!;
        using var quad = image.CutQuad(box.Corners(), 30, 10);

        Assert.Equal((30, 10), (quad.Width, quad.Height));
        var a = cut.ToArray();
        var b = quad.ToArray();
        var strideA = cut.Bitmap.RowBytes;
        var strideB = quad.Bitmap.RowBytes;
        for (var y = 1; y < 9; y++)
            for (var x = 1; x < 29; x++) Assert.InRange(a[y * strideA + x] - b[y * strideB + x], -2, 2);
        // Along the box's top edge the gradient grows by cos 30° + sin 30° per pixel.
        Assert.InRange(b[5 * strideB + 20] - b[5 * strideB + 10], 12, 15);
    }

    [Fact]
    public void Center_crop_covers_the_input_and_maps_back()
    {
        var geometry = Letterbox.Fit(200, 100, 64, 64, LetterboxOptions.CenterCrop);

        Assert.Equal(new LetterboxGeometry(200, 100, -32, 0, 128, 64), geometry);
        Assert.Equal(100, geometry.ToOriginalX(32), 6); // the input's centre is the image's centre
    }

    [Fact]
    public void Mask_outline_follows_pixel_edges_of_the_largest_component()
    {
        // An L of pixels (x 2..5 × y 1..2, plus x 2..3 × y 3..4) and a lone speck at (8, 8).
        const int w = 10, h = 10;
        var mask = new byte[w * h];
        for (var y = 1; y <= 4; y++)
            for (var x = 2; x <= (y <= 2 ? 5 : 3); x++) mask[y * w + x] = 1;
        mask[8 * w + 8] = 1;

        var outline = MaskOutline.Trace(mask, w, h, tolerance: 0.5);

        Assert.Equal([(2.0, 1.0), (6.0, 1.0), (6.0, 3.0), (4.0, 3.0), (4.0, 5.0), (2.0, 5.0)], outline);
    }
}
