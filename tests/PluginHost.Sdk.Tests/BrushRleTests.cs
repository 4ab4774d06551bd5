using PluginHost.Sdk.Predictions;

namespace PluginHost.Sdk.Tests;

public class BrushRleTests
{
    [Fact]
    public void Encode_matches_the_reference_vector_of_label_studio_converter()
    {
        // label-studio-converter tests/test_brush.py::test_rle_encoding
        byte[] values = [1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 4, 4, 4, 4, 4, 4, 4, 4];

        var rle = BrushRle.Encode(values);

        Assert.Equal([0, 0, 0, 18, 57, 27, 252, 96, 32, 1, 0, 6, 0, 40, 0, 192, 3, 128, 17, 56, 32], rle);
        Assert.Equal(values, BrushRle.Decode(rle));
    }

    [Fact]
    public void Encode_pads_an_aligned_stream_with_a_whole_zero_byte_like_the_python_encoder()
    {
        // 53 header bits + one 19-bit run = 72 bits: already aligned, yet encode_rle appends 8 zero bits.
        var rle = BrushRle.Encode(Enumerable.Repeat((byte)5, 17).ToArray());

        Assert.Equal([0, 0, 0, 17, 57, 27, 254, 16, 5, 0], rle);
        Assert.Equal(Enumerable.Repeat((byte)5, 17), BrushRle.Decode(rle));
    }

    [Fact]
    public void DecodeWords_reads_rle_pack_streams_with_literal_chunks_and_3_bit_words()
    {
        // @thi.ng/rle-pack test/main.test.ts, "3bit": the JS encoder groups literals into chunks, which the
        // Python encoder never writes; the editor's streams may contain them.
        var expected = new uint[1024];
        uint[] middle = [1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 4, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1];
        middle.CopyTo(expected, 512);

        byte[] defaultSizes = [0, 0, 4, 0, 17, 27, 255, 1, 255, 18, 24, 212, 78, 24, 5, 134, 68, 227, 82, 30, 3, 196, 0];
        byte[] customSizes = [0, 0, 4, 0, 16, 9, 199, 255, 140, 134, 234, 206, 96, 89, 150, 119, 89, 15, 241, 0];

        Assert.Equal(expected, BrushRle.DecodeWords(defaultSizes));
        Assert.Equal(expected, BrushRle.DecodeWords(customSizes));
    }

    [Fact]
    public void Decode_refuses_wider_words_than_a_brush_mask_uses()
    {
        var ex = Assert.Throws<ArgumentException>(() => BrushRle.Decode([0, 0, 0, 1, 0b1111_1000, 0, 0, 0, 0, 0]));
        Assert.Contains("32-bit values", ex.Message);
    }

    public static TheoryData<string, int, int> Masks() => new()
    {
        { "circle", 640, 480 },
        { "noise", 97, 61 },
        { "empty", 320, 200 },
        { "full", 512, 512 },
        { "single pixel", 1, 1 },
        { "stripes", 300, 7 },
        { "two objects", 1024, 768 },
    };

    [Theory]
    [MemberData(nameof(Masks))]
    public void Masks_round_trip_through_encode_and_decode(string kind, int width, int height)
    {
        var mask = MakeMask(kind, width, height);

        var rle = BrushRle.EncodeMask(mask, width, height);

        Assert.All(rle, b => Assert.InRange(b, 0, 255));
        Assert.Equal(mask, BrushRle.DecodeMask(rle, width, height));
    }

    [Theory]
    [MemberData(nameof(Masks))]
    public void EncodeMask_equals_encode_of_the_rgba_expansion_as_mask2rle_does(string kind, int width, int height)
    {
        var mask = MakeMask(kind, width, height);
        var rgba = mask.SelectMany(p => new[] { p, p, p, p }).ToArray();

        Assert.Equal(BrushRle.Encode(rgba), BrushRle.EncodeMask(mask, width, height));
    }

    [Fact]
    public void Mask_runs_longer_than_65536_values_are_split()
    {
        // 512x512 full: one run of 1,048,576 RGBA bytes = 16 pieces of 2^16.
        var mask = MakeMask("full", 512, 512);

        var rle = BrushRle.EncodeMask(mask, 512, 512);

        // header 53 bits + 16 runs of 27 bits = 485 bits → 61 bytes after padding.
        Assert.Equal(61, rle.Length);
        Assert.Equal(mask, BrushRle.DecodeMask(rle, 512, 512));
    }

    [Fact]
    public void Encoding_compresses_real_looking_masks()
    {
        var mask = MakeMask("two objects", 1024, 768);

        var rle = BrushRle.EncodeMask(mask, 1024, 768);

        Assert.True(rle.Length < mask.Length / 20, $"{rle.Length} bytes of RLE for {mask.Length} pixels");
    }

    [Fact]
    public void Binary_mask_encoding_paints_every_non_zero_pixel_opaque()
    {
        byte[] mask = [0, 1, 7, 0, 255, 0];

        var decoded = BrushRle.DecodeMask(BrushRle.EncodeBinaryMask(mask, 3, 2), 3, 2);

        Assert.Equal([0, 255, 255, 0, 255, 0], decoded);
    }

    [Fact]
    public void Decoding_bad_input_gives_clear_errors()
    {
        var good = BrushRle.EncodeMask(MakeMask("circle", 64, 48), 64, 48);

        var truncated = Assert.Throws<ArgumentException>(() => BrushRle.Decode(good.Take(good.Length / 2).ToArray()));
        Assert.Contains("ends after", truncated.Message);

        var notBytes = Assert.Throws<ArgumentException>(() => BrushRle.Decode([0, 0, 0, 4, 256]));
        Assert.Contains("item 4 is 256", notBytes.Message);

        var shortHeader = Assert.Throws<ArgumentException>(() => BrushRle.Decode([0, 0, 0]));
        Assert.Contains("header", shortHeader.Message);

        // A 10-byte stream that claims 4 billion values is refused before anything is allocated.
        var huge = Assert.Throws<ArgumentException>(() => BrushRle.Decode([255, 255, 255, 255, 57, 27, 252, 0, 0, 0]));
        Assert.Contains("claims", huge.Message);

        var wrongSize = Assert.Throws<ArgumentException>(() => BrushRle.DecodeMask(good, 64, 47));
        Assert.Contains("64x47", wrongSize.Message);
    }

    [Fact]
    public void Encoding_checks_the_mask_size()
    {
        var ex = Assert.Throws<ArgumentException>(() => BrushRle.EncodeMask(new byte[10], 3, 3));
        Assert.Contains("10 bytes", ex.Message);
        Assert.Throws<ArgumentException>(() => BrushRle.EncodeMask([], 0, 0));
    }

    private static byte[] MakeMask(string kind, int width, int height)
    {
        var mask = new byte[width * height];
        var random = new Random(1234);
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var on = kind switch
            {
                "circle" => Square(x - width / 2.0) + Square(y - height / 2.0) < Square(Math.Min(width, height) / 3.0),
                "noise" => random.Next(2) == 1,
                "full" or "single pixel" => true,
                "stripes" => x / 3 % 2 == 0,
                "two objects" => (x > 100 && x < 400 && y > 80 && y < 300)
                                 || Square(x - 700) / 2.0 + Square(y - 500) < Square(150),
                _ => false,
            };
            mask[y * width + x] = on ? (byte)255 : (byte)0;
        }
        return mask;
    }

    private static double Square(double v) => v * v;
}
