using System.Buffers.Binary;
using System.Text;

namespace PluginHost.NerBench;

/// <summary>
/// Reads one float initializer (a weight matrix) out of an ONNX model's protobuf bytes without ONNX Runtime, which does
/// not expose initializers: ModelProto.graph (7) → GraphProto.initializer (5) → TensorProto dims (1), data_type (2),
/// float_data (4), name (8), raw_data (9).
/// </summary>
internal static class OnnxInitializers
{
    private const int FloatType = 1;

    /// <summary>The first float initializer whose name contains <paramref name="nameContains"/>: its name, shape and values.</summary>
    public static (string Name, long[] Dims, float[] Values) ReadFloat(byte[] model, string nameContains)
    {
        foreach (var (field, graph, _) in Fields(model))
        {
            if (field != 7) continue;
            foreach (var (graphField, tensor, _) in Fields(graph))
            {
                if (graphField != 5) continue;
                var name = "";
                var dims = new List<long>();
                var type = 0UL;
                ReadOnlyMemory<byte> raw = default;
                foreach (var (tensorField, bytes, number) in Fields(tensor))
                    switch (tensorField)
                    {
                        case 1 when bytes.IsEmpty: dims.Add((long)number); break;
                        case 1: dims.AddRange(PackedVarints(bytes)); break;
                        case 2: type = number; break;
                        case 8: name = Encoding.UTF8.GetString(bytes.Span); break;
                        case 9: raw = bytes; break;
                    }
                if (!name.Contains(nameContains, StringComparison.Ordinal)) continue;
                if (type != FloatType) throw new InvalidDataException($"ONNX initializer {name} is not float32 (type {type}).");
                var values = new float[raw.Length / 4];
                for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Span.Slice(i * 4, 4));
                return (name, dims.ToArray(), values);
            }
        }
        throw new InvalidDataException($"The ONNX model has no float initializer named like '{nameContains}'.");
    }

    /// <summary>Top-level fields of a protobuf message: a length-delimited field's bytes, or a varint field's number.</summary>
    private static IEnumerable<(int Field, ReadOnlyMemory<byte> Bytes, ulong Number)> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var key = Varint(message.Span, ref position);
            var field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    yield return (field, default, Varint(message.Span, ref position));
                    break;
                case 1: position += 8; break;
                case 2:
                    var length = (int)Varint(message.Span, ref position);
                    yield return (field, message.Slice(position, length), 0);
                    position += length;
                    break;
                case 5: position += 4; break;
                default: throw new InvalidDataException($"Unsupported protobuf wire type {key & 7}.");
            }
        }
    }

    private static IEnumerable<long> PackedVarints(ReadOnlyMemory<byte> bytes)
    {
        var values = new List<long>();
        var position = 0;
        while (position < bytes.Length) values.Add((long)Varint(bytes.Span, ref position));
        return values;
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
    }
}
