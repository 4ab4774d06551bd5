namespace PluginHost.Sdk.Predictions;

/// <summary>
/// Label Studio's brush RLE: the bit-packed run-length format of <c>@thi.ng/rle-pack</c> that the editor decodes
/// into an RGBA image, produced in Python by <c>label_studio_converter.brush.mask2rle</c>.
/// <para>Layout, most significant bit first: 32 bits value count, 5 bits word size − 1, four 4-bit run-length
/// field sizes − 1; then runs, each <c>1 bit repeat? · 2 bits size index · n bits count − 1 · value(s)</c>.</para>
/// <see cref="Encode"/> and <see cref="EncodeMask"/> write exactly the bytes the Python encoder writes
/// (word size 8, run sizes 3/4/8/16, single values as 1-long literals, 1–8 padding bits);
/// <see cref="DecodeWords"/> reads any stream <c>rle-pack</c> writes, including literal chunks and other word sizes.
/// </summary>
internal static class BrushRle
{
    private const int WordSize = 8;
    private static readonly int[] RunSizes = [3, 4, 8, 16];

    /// <summary>
    /// Encodes a width×height mask, one byte per pixel in row-major order, as <c>mask2rle</c> does: every pixel
    /// becomes four equal RGBA bytes, and the editor draws the alpha channel. Values are kept as given, so pass
    /// 255 for "on" (see <see cref="EncodeBinaryMask"/> for 0/1 masks).
    /// </summary>
    public static int[] EncodeMask(ReadOnlySpan<byte> mask, int width, int height) => EncodeMaskCore(mask, width, height, binary: false);

    /// <summary>Like <see cref="EncodeMask"/>, with every non-zero pixel written as 255 (fully opaque).</summary>
    public static int[] EncodeBinaryMask(ReadOnlySpan<byte> mask, int width, int height) => EncodeMaskCore(mask, width, height, binary: true);

    private static int[] EncodeMaskCore(ReadOnlySpan<byte> mask, int width, int height, bool binary)
    {
        var pixels = CheckMaskSize(mask.Length, width, height);
        if ((long)pixels * 4 > uint.MaxValue)
            throw new ArgumentException($"A {width}x{height} mask is too large for Label Studio's 32-bit RLE header.", nameof(mask));
        var writer = new BitWriter(mask.Length / 8 + 16);
        WriteHeader(ref writer, (uint)(pixels * 4));
        // A run of n equal pixels is a run of 4n equal bytes once each pixel is repeated four times. Binary masks map
        // on the fly (no copy: interactive SAM answers encode a full-size mask per click).
        var i = 0;
        while (i < mask.Length)
        {
            var value = Pixel(mask[i], binary);
            var j = i + 1;
            while (j < mask.Length && Pixel(mask[j], binary) == value) j++;
            WriteRun(ref writer, (long)(j - i) * 4, value);
            i = j;
        }
        return writer.ToIntsWithPythonPadding();
    }

    private static byte Pixel(byte value, bool binary) => binary && value != 0 ? (byte)255 : value;

    /// <summary>Encodes raw byte values as <c>label_studio_converter.brush.encode_rle</c> does (no RGBA expansion).</summary>
    public static int[] Encode(ReadOnlySpan<byte> values)
    {
        var writer = new BitWriter(values.Length / 8 + 16);
        WriteHeader(ref writer, (uint)values.Length);
        var i = 0;
        while (i < values.Length)
        {
            var value = values[i];
            var j = i + 1;
            while (j < values.Length && values[j] == value) j++;
            WriteRun(ref writer, j - i, value);
            i = j;
        }
        return writer.ToIntsWithPythonPadding();
    }

    /// <summary>Decodes an 8-bit stream (every brush RLE Label Studio writes) into its values.</summary>
    public static byte[] Decode(IReadOnlyList<int> rle)
    {
        var packed = ToBytes(rle);
        var reader = new BitReader(packed);
        var header = ReadHeader(ref reader, packed.Length, maxWordSize: 8);
        var sink = new ByteSink(new byte[header.Count]);
        DecodeBody(ref reader, header, ref sink);
        return sink.Values;
    }

    /// <summary>
    /// Decodes a brush RLE into a width×height mask (the alpha channel of the RGBA image it holds), checking that
    /// the RLE really describes an image of that size.
    /// </summary>
    public static byte[] DecodeMask(IReadOnlyList<int> rle, int width, int height)
    {
        var pixels = CheckMaskSize(null, width, height);
        var packed = ToBytes(rle);
        var reader = new BitReader(packed);
        var header = ReadHeader(ref reader, packed.Length, maxWordSize: 8);
        if (header.Count != (long)pixels * 4)
            throw new ArgumentException(
                $"The RLE holds {header.Count} values, but a {width}x{height} RGBA image needs {(long)pixels * 4}.", nameof(rle));
        var sink = new AlphaSink(new byte[pixels]);
        DecodeBody(ref reader, header, ref sink);
        return sink.Mask;
    }

    /// <summary>The <c>rle-pack</c> decoder for any word size (1–32 bits) and run-length field sizes.</summary>
    public static uint[] DecodeWords(ReadOnlySpan<byte> packed)
    {
        var reader = new BitReader(packed);
        var header = ReadHeader(ref reader, packed.Length, maxWordSize: 32);
        var sink = new WordSink(new uint[header.Count]);
        DecodeBody(ref reader, header, ref sink);
        return sink.Values;
    }

    private readonly record struct Header(long Count, int WordSize, int Size0, int Size1, int Size2, int Size3)
    {
        public int RunSize(uint index) => index switch { 0 => Size0, 1 => Size1, 2 => Size2, _ => Size3 };
    }

    private static Header ReadHeader(ref BitReader reader, int length, int maxWordSize)
    {
        if (reader.Remaining < 32 + 5 + 16) throw new ArgumentException("The RLE is shorter than its 53-bit header.", "rle");
        long count = reader.Read(32);
        var wordSize = (int)reader.Read(5) + 1;
        if (wordSize > maxWordSize)
            throw new ArgumentException($"The RLE uses {wordSize}-bit values; brush masks use at most {maxWordSize}.", "rle");
        var header = new Header(count, wordSize, (int)reader.Read(4) + 1, (int)reader.Read(4) + 1, (int)reader.Read(4) + 1, (int)reader.Read(4) + 1);
        // Each run costs at least 3 + wordSize bits and yields at most 2^16 values: refuse headers that claim more
        // values than the data could hold, before allocating for them.
        var upperBound = (reader.Remaining / (3 + wordSize) + 1) * 65536L;
        if (count > upperBound || count > Array.MaxLength)
            throw new ArgumentException($"The RLE header claims {count} values, more than its {length} bytes can hold.", "rle");
        return header;
    }

    private static void DecodeBody<TSink>(ref BitReader reader, Header header, ref TSink sink) where TSink : struct, ISink
    {
        var count = header.Count;
        var wordSize = header.WordSize;
        long i = 0;
        while (i < count)
        {
            if (reader.Remaining < 3) throw Truncated(i, count);
            var repeat = reader.Read(1) == 1;
            var size = header.RunSize(reader.Read(2));
            if (reader.Remaining < size) throw Truncated(i, count);
            var end = i + 1 + reader.Read(size);
            if (end > count) throw new ArgumentException($"A run of the RLE ends at value {end}, past the {count} values the header declares.", "rle");
            if (repeat)
            {
                if (reader.Remaining < wordSize) throw Truncated(i, count);
                sink.Fill((int)i, (int)end, reader.Read(wordSize));
                i = end;
            }
            else
            {
                for (; i < end; i++)
                {
                    if (reader.Remaining < wordSize) throw Truncated(i, count);
                    sink.Set((int)i, reader.Read(wordSize));
                }
            }
        }
    }

    private interface ISink
    {
        void Fill(int start, int end, uint value);

        void Set(int index, uint value);
    }

    private readonly struct WordSink(uint[] values) : ISink
    {
        public uint[] Values { get; } = values;
        public void Fill(int start, int end, uint value) => Array.Fill(Values, value, start, end - start);
        public void Set(int index, uint value) => Values[index] = value;
    }

    private readonly struct ByteSink(byte[] values) : ISink
    {
        public byte[] Values { get; } = values;
        public void Fill(int start, int end, uint value) => Values.AsSpan(start, end - start).Fill((byte)value);
        public void Set(int index, uint value) => Values[index] = (byte)value;
    }

    /// <summary>Keeps only the alpha byte (index 4p + 3) of each RGBA pixel p: a run [start, end) covers pixels [start/4, end/4).</summary>
    private readonly struct AlphaSink(byte[] mask) : ISink
    {
        public byte[] Mask { get; } = mask;
        public void Fill(int start, int end, uint value) => Mask.AsSpan(start >> 2, (end >> 2) - (start >> 2)).Fill((byte)value);
        public void Set(int index, uint value)
        {
            if ((index & 3) == 3) Mask[index >> 2] = (byte)value;
        }
    }

    private static ArgumentException Truncated(long decoded, long count) =>
        new($"The RLE ends after {decoded} of the {count} values its header declares.", "rle");

    private static byte[] ToBytes(IReadOnlyList<int> rle)
    {
        ArgumentNullException.ThrowIfNull(rle);
        var bytes = new byte[rle.Count];
        for (var i = 0; i < bytes.Length; i++)
        {
            var value = rle[i];
            if (value is < 0 or > 255) throw new ArgumentException($"RLE item {i} is {value}; every item must be a byte (0–255).", nameof(rle));
            bytes[i] = (byte)value;
        }
        return bytes;
    }

    private static int CheckMaskSize(int? length, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"The mask size must be positive, not {width}x{height}.");
        var pixels = (long)width * height;
        if (pixels > int.MaxValue) throw new ArgumentException($"A {width}x{height} mask is too large.");
        if (length is { } n && n != pixels)
            throw new ArgumentException($"The mask has {n} bytes, but {width}x{height} needs {pixels} (one byte per pixel, row by row).");
        return (int)pixels;
    }

    private static void WriteHeader(ref BitWriter writer, uint count)
    {
        writer.Write(count, 32);
        writer.Write(WordSize - 1, 5);
        foreach (var size in RunSizes) writer.Write((uint)(size - 1), 4);
    }

    // Mirrors encode_rle: 1-long runs are literals; longer ones use the smallest field that fits, and runs longer
    // than 2^16 are split into 2^16-long pieces, the remainder always in the 16-bit field.
    private static void WriteRun(ref BitWriter writer, long length, byte value)
    {
        if (length == 1)
        {
            writer.Write(0b0_00_000, 6);
            writer.Write(value, 8);
            return;
        }
        if (length <= 256)
        {
            var index = length <= 8 ? 0 : length <= 16 ? 1 : 2;
            writer.Write(1, 1);
            writer.Write((uint)index, 2);
            writer.Write((uint)(length - 1), RunSizes[index]);
            writer.Write(value, 8);
            return;
        }
        while (length > 65536)
        {
            WriteLongRun(ref writer, 65536, value);
            length -= 65536;
        }
        WriteLongRun(ref writer, length, value);
    }

    private static void WriteLongRun(ref BitWriter writer, long length, byte value)
    {
        writer.Write(0b1_11, 3);
        writer.Write((uint)(length - 1), 16);
        writer.Write(value, 8);
    }

    private struct BitWriter(int capacity)
    {
        private byte[] _buffer = new byte[Math.Max(capacity, 16)];
        private long _bits;

        public void Write(uint value, int count)
        {
            for (var b = count - 1; b >= 0; b--)
            {
                var byteIndex = (int)(_bits >> 3);
                if (byteIndex >= _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
                if (((value >> b) & 1) != 0) _buffer[byteIndex] |= (byte)(0x80 >> (int)(_bits & 7));
                _bits++;
            }
        }

        /// <summary>The Python encoder always pads with 8 − (bits mod 8) zero bits: a whole zero byte when already aligned.</summary>
        public readonly int[] ToIntsWithPythonPadding()
        {
            var length = (int)(_bits / 8) + 1;
            var result = new int[length];
            for (var i = 0; i < length; i++) result[i] = i < _buffer.Length ? _buffer[i] : 0;
            return result;
        }
    }

    private ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private long _position;

        public readonly long Remaining => (long)_data.Length * 8 - _position;

        public uint Read(int count)
        {
            uint value = 0;
            for (var b = 0; b < count; b++)
            {
                var bit = (_data[(int)(_position >> 3)] >> (7 - (int)(_position & 7))) & 1;
                value = (value << 1) | (uint)bit;
                _position++;
            }
            return value;
        }
    }
}
