using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace PluginHost.Segmentation.Tests.Support;

/// <summary>A small builder for ONNX graphs written with the onnx protobuf classes (opset 13): named inputs and
/// outputs with fixed or symbolic dimensions, constants and nodes.</summary>
public sealed class OnnxGraph(string name)
{
    private readonly GraphProto _graph = new() { Name = name };
    private int _constants;

    /// <summary>A dimension: a number, or a name for a symbolic (dynamic) one.</summary>
    public readonly record struct Dim(long? Value, string? Param)
    {
        public static implicit operator Dim(long value) => new(value, null);

        public static implicit operator Dim(string param) => new(null, param);
    }

    public OnnxGraph Input(string tensor, TensorProto.Types.DataType type, params Dim[] dims)
    {
        _graph.Input.Add(Info(tensor, type, dims));
        return this;
    }

    public OnnxGraph Output(string tensor, TensorProto.Types.DataType type, params Dim[] dims)
    {
        _graph.Output.Add(Info(tensor, type, dims));
        return this;
    }

    public string Floats(long[] dims, params float[] values) => Constant(DataType.Float, dims, t => t.FloatData.AddRange(values));

    /// <summary>A float scalar (rank 0).</summary>
    public string Scalar(float value) => Floats([], value);

    public string Int64s(params long[] values) => Int64sShaped([values.Length], values);

    public string Int64sShaped(long[] dims, params long[] values) => Constant(DataType.Int64, dims, t => t.Int64Data.AddRange(values));

    /// <summary>An int64 scalar (rank 0), e.g. a Gather index that drops the axis.</summary>
    public string Int64Scalar(long value) => Int64sShaped([], value);

    private string Constant(DataType type, long[] dims, Action<TensorProto> fill)
    {
        var t = new TensorProto { Name = $"const{_constants++}", DataType = (int)type };
        t.Dims.AddRange(dims);
        fill(t);
        _graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>Adds a node with one output named <paramref name="output"/>; attributes are ints, int lists, floats or strings.</summary>
    public string Node(string op, string output, string[] inputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output + "_" + op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        foreach (var (attribute, value) in attributes)
        {
            var a = new AttributeProto { Name = attribute };
            switch (value)
            {
                case long i:
                    a.Type = AttributeProto.Types.AttributeType.Int;
                    a.I = i;
                    break;
                case int i:
                    a.Type = AttributeProto.Types.AttributeType.Int;
                    a.I = i;
                    break;
                case long[] list:
                    a.Type = AttributeProto.Types.AttributeType.Ints;
                    a.Ints.AddRange(list);
                    break;
                case string text:
                    a.Type = AttributeProto.Types.AttributeType.String;
                    a.S = ByteString.CopyFromUtf8(text);
                    break;
                case float f:
                    a.Type = AttributeProto.Types.AttributeType.Float;
                    a.F = f;
                    break;
                default:
                    throw new ArgumentException($"Unsupported attribute value {value}.");
            }
            node.Attribute.Add(a);
        }
        _graph.Node.Add(node);
        return output;
    }

    public byte[] ToBytes(string producer = "PluginHost.Segmentation.Tests")
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = producer, Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    private static ValueInfoProto Info(string name, TensorProto.Types.DataType type, Dim[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d.Value is { } v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = d.Param });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
