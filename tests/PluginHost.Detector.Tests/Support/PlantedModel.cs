using Google.Protobuf;
using Onnx;

namespace PluginHost.Detector.Tests.Support;

/// <summary>A box the generated model reports: centre and size in model-input pixels, its class, and a base score.
/// The reported score is <c>BaseScore × red(cx, cy)</c>: the red channel of the letterboxed input at the box centre,
/// so a box fires only where the test image is red, proving the image reached the model where we expect it.</summary>
public sealed record PlantedBox(int Cx, int Cy, int W, int H, int ClassId, float BaseScore);

/// <summary>
/// Writes small YOLO-shaped ONNX models with the onnx protobuf classes: input <c>images [batch, 3, S, S]</c>,
/// output <c>[batch, 4+C, N]</c> (YOLOv8/11) or <c>[batch, N, 5+C]</c> (YOLOv5). Boxes are constants; scores are
/// gathered from the input's red plane, so they depend on the image.
/// </summary>
public static class PlantedModel
{
    /// <param name="extraChannels">Channels after the classes (as a segmentation head's mask coefficients), all 5.0:
    /// a decoder that mistook them for classes would report them.</param>
    public static byte[] YoloV8(int size, int classes, IReadOnlyList<PlantedBox> boxes, string? names = null, bool dynamicBatch = true, int extraChannels = 0) =>
        Build(size, classes, boxes, names, dynamicBatch, v8: true, extraChannels);

    public static byte[] YoloV5(int size, int classes, IReadOnlyList<PlantedBox> boxes, string? names = null, bool dynamicBatch = true, int extraChannels = 0) =>
        Build(size, classes, boxes, names, dynamicBatch, v8: false, extraChannels);

    private static byte[] Build(int size, int classes, IReadOnlyList<PlantedBox> boxes, string? names, bool dynamicBatch, bool v8, int extra)
    {
        var n = boxes.Count;
        var graph = new GraphProto { Name = v8 ? "planted_yolov8" : "planted_yolov5" };
        graph.Input.Add(TensorInfo("images", dynamicBatch ? null : 1, 3, size, size));

        // red[b, n] = images[b, 0, cy_n, cx_n]
        graph.Initializer.Add(Int64s("red_starts", [0]));
        graph.Initializer.Add(Int64s("red_ends", [1]));
        graph.Initializer.Add(Int64s("red_axes", [1]));
        graph.Node.Add(Node("Slice", ["images", "red_starts", "red_ends", "red_axes"], ["red_plane"]));
        graph.Initializer.Add(Int64s("flat_shape", [0, -1]));
        graph.Node.Add(Node("Reshape", ["red_plane", "flat_shape"], ["red_flat"]));
        graph.Initializer.Add(Int64s("centres", boxes.Select(b => (long)(b.Cy * size + b.Cx)).ToArray(), n));
        graph.Node.Add(Node("Gather", ["red_flat", "centres"], ["red_at"], ("axis", 1)));

        // batch-sized shapes for Expand
        graph.Node.Add(Node("Shape", ["images"], ["input_shape"]));
        graph.Initializer.Add(Int64s("zero", [0]));
        graph.Initializer.Add(Int64s("one", [1]));
        graph.Node.Add(Node("Slice", ["input_shape", "zero", "one"], ["batch"]));

        if (v8)
        {
            // boxes [1, 4, N]; scores [B, C, N] = red_at[B, 1, N] * mask[1, C, N]
            graph.Initializer.Add(Floats("boxes", [1, 4, n], Rows(n, b => b.Cx, b => b.Cy, b => b.W, b => b.H, boxes)));
            graph.Initializer.Add(Int64s("boxes_tail", [4, n]));
            graph.Node.Add(Node("Concat", ["batch", "boxes_tail"], ["boxes_shape"], ("axis", 0)));
            graph.Node.Add(Node("Expand", ["boxes", "boxes_shape"], ["boxes_b"]));
            graph.Initializer.Add(Int64s("axis1", [1]));
            graph.Node.Add(Node("Unsqueeze", ["red_at", "axis1"], ["red_b1n"]));
            var mask = new float[classes * n];
            for (var i = 0; i < n; i++) mask[boxes[i].ClassId * n + i] = boxes[i].BaseScore;
            graph.Initializer.Add(Floats("mask", [1, classes, n], mask));
            graph.Node.Add(Node("Mul", ["red_b1n", "mask"], ["scores"]));
            string[] parts = ["boxes_b", "scores"];
            if (extra > 0)
            {
                graph.Initializer.Add(Floats("extra", [1, extra, n], Enumerable.Repeat(5f, extra * n).ToArray()));
                graph.Initializer.Add(Int64s("extra_tail", [extra, n]));
                graph.Node.Add(Node("Concat", ["batch", "extra_tail"], ["extra_shape"], ("axis", 0)));
                graph.Node.Add(Node("Expand", ["extra", "extra_shape"], ["extra_b"]));
                parts = [.. parts, "extra_b"];
            }
            graph.Node.Add(Node("Concat", parts, ["output0"], ("axis", 1)));
            graph.Output.Add(TensorInfo("output0", dynamicBatch ? null : 1, 4 + classes + extra, n));
        }
        else
        {
            // rows [B, N, 5+C] = boxes [N, 4] | objectness red_at [B, N, 1] | class probabilities (one-hot × base)
            var rows = new float[n * 4];
            for (var i = 0; i < n; i++)
            {
                rows[i * 4] = boxes[i].Cx;
                rows[i * 4 + 1] = boxes[i].Cy;
                rows[i * 4 + 2] = boxes[i].W;
                rows[i * 4 + 3] = boxes[i].H;
            }
            graph.Initializer.Add(Floats("boxes", [1, n, 4], rows));
            var probs = new float[n * classes];
            for (var i = 0; i < n; i++) probs[i * classes + boxes[i].ClassId] = boxes[i].BaseScore;
            graph.Initializer.Add(Floats("probs", [1, n, classes], probs));
            graph.Initializer.Add(Int64s("boxes_tail", [n, 4]));
            graph.Initializer.Add(Int64s("probs_tail", [n, classes]));
            graph.Node.Add(Node("Concat", ["batch", "boxes_tail"], ["boxes_shape"], ("axis", 0)));
            graph.Node.Add(Node("Concat", ["batch", "probs_tail"], ["probs_shape"], ("axis", 0)));
            graph.Node.Add(Node("Expand", ["boxes", "boxes_shape"], ["boxes_b"]));
            graph.Node.Add(Node("Expand", ["probs", "probs_shape"], ["probs_b"]));
            graph.Initializer.Add(Int64s("axis2", [2]));
            graph.Node.Add(Node("Unsqueeze", ["red_at", "axis2"], ["objectness"]));
            string[] parts = ["boxes_b", "objectness", "probs_b"];
            if (extra > 0)
            {
                graph.Initializer.Add(Floats("extra", [1, n, extra], Enumerable.Repeat(5f, extra * n).ToArray()));
                graph.Initializer.Add(Int64s("extra_tail", [n, extra]));
                graph.Node.Add(Node("Concat", ["batch", "extra_tail"], ["extra_shape"], ("axis", 0)));
                graph.Node.Add(Node("Expand", ["extra", "extra_shape"], ["extra_b"]));
                parts = [.. parts, "extra_b"];
            }
            graph.Node.Add(Node("Concat", parts, ["output0"], ("axis", 2)));
            graph.Output.Add(TensorInfo("output0", dynamicBatch ? null : 1, n, 5 + classes + extra));
        }

        var model = new ModelProto { IrVersion = 8, ProducerName = "PluginHost.Detector.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        if (names is not null) model.MetadataProps.Add(new StringStringEntryProto { Key = "names", Value = names });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "task", Value = "detect" });
        return model.ToByteArray();
    }

    private static float[] Rows(int n, Func<PlantedBox, float> a, Func<PlantedBox, float> b, Func<PlantedBox, float> c, Func<PlantedBox, float> d, IReadOnlyList<PlantedBox> boxes)
    {
        var data = new float[4 * n];
        for (var i = 0; i < n; i++)
        {
            data[i] = a(boxes[i]);
            data[n + i] = b(boxes[i]);
            data[2 * n + i] = c(boxes[i]);
            data[3 * n + i] = d(boxes[i]);
        }
        return data;
    }

    internal static ValueInfoProto TensorInfo(string name, long? batch, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(batch is { } b ? new TensorShapeProto.Types.Dimension { DimValue = b } : new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    internal static NodeProto Node(string op, string[] inputs, string[] outputs, params (string Name, long Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = outputs[0] + "_" + op };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (name, value) in attributes)
            node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });
        return node;
    }

    internal static TensorProto Floats(string name, long[] dims, float[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        return t;
    }

    internal static TensorProto Int64s(string name, long[] values, int? length = null)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(length ?? values.Length);
        t.Int64Data.AddRange(values);
        return t;
    }
}
