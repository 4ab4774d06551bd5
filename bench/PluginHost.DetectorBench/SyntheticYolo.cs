using Google.Protobuf;
using Onnx;

namespace PluginHost.DetectorBench;

/// <summary>
/// A YOLOv8-shaped detector with random weights, so the benchmark runs a network of realistic size without downloads:
/// a stride-32 backbone of 3×3 convolutions with SiLU, three heads at strides 8/16/32, and the output
/// <c>[batch, 84, 8400]</c> (4 box channels + 80 classes) for a 640×640 input. About 6 GFLOPs and 2.5 M parameters
/// (YOLOv8n: 8.7 GFLOPs, 3.2 M), so timings are the same order as the real model's. It detects nothing real: the
/// output carries a planted, realistic-looking prediction so that decoding and NMS cost what they would.
/// </summary>
public static class SyntheticYolo
{
    /// <param name="task">detect, segment (32 mask coefficients + [B, 32, S/4, S/4] prototypes), pose (17 keypoints),
    /// obb (an angle channel) or classify (global pooling → [B, classes] softmax).</param>
    public static byte[] Build(int size = 640, int classes = 80, bool dynamicBatch = false, string task = "detect")
    {
        var g = new GraphProto { Name = "synthetic_yolov8_" + task };
        var random = new Random(42);
        g.Input.Add(Info("images", dynamicBatch ? null : 1, 3, size, size));
        var n = 0;
        string Conv(string input, int cin, int cout, int kernel, int stride, bool act = true)
        {
            var name = $"conv{n++}";
            var fanIn = cin * kernel * kernel;
            var bound = MathF.Sqrt(3f / fanIn);
            var w = new float[cout * fanIn];
            for (var i = 0; i < w.Length; i++) w[i] = (random.NextSingle() * 2 - 1) * bound;
            g.Initializer.Add(Tensor(name + "_w", [cout, cin, kernel, kernel], w));
            g.Initializer.Add(Tensor(name + "_b", [cout], new float[cout]));
            var node = new NodeProto { OpType = "Conv", Name = name };
            node.Input.AddRange([input, name + "_w", name + "_b"]);
            node.Output.Add(name);
            node.Attribute.Add(Ints("kernel_shape", kernel, kernel));
            node.Attribute.Add(Ints("strides", stride, stride));
            var pad = kernel / 2;
            node.Attribute.Add(Ints("pads", pad, pad, pad, pad));
            g.Node.Add(node);
            if (!act) return name;
            g.Node.Add(Node("Sigmoid", [name], [name + "_sig"]));
            g.Node.Add(Node("Mul", [name, name + "_sig"], [name + "_silu"]));
            return name + "_silu";
        }

        var x = Conv("images", 3, 16, 3, 2);
        var stride4 = x = Conv(x, 16, 32, 3, 2);
        x = Conv(x, 32, 32, 3, 1);
        x = Conv(x, 32, 64, 3, 2);
        x = Conv(x, 64, 64, 3, 1);
        var p3 = Conv(x, 64, 64, 3, 1);
        x = Conv(p3, 64, 128, 3, 2);
        x = Conv(x, 128, 128, 3, 1);
        var p4 = Conv(x, 128, 128, 3, 1);
        x = Conv(p4, 128, 256, 3, 2);
        x = Conv(x, 256, 256, 3, 1);
        var p5 = Conv(x, 256, 256, 3, 1);

        if (task == "classify") return Classifier(g, p5, classes, dynamicBatch, random);
        var extra = task switch { "segment" => 32, "pose" => 51, "obb" => 1, _ => 0 };
        var channels = 4 + classes + extra;
        g.Initializer.Add(Longs("flat", [0, channels, -1]));
        var heads = new List<string>();
        foreach (var (feature, c) in new[] { (p3, 64), (p4, 128), (p5, 256) })
        {
            var h = Conv(feature, c, c, 3, 1);
            h = Conv(h, c, channels, 1, 1, act: false);
            g.Node.Add(Node("Reshape", [h, "flat"], [h + "_flat"]));
            heads.Add(h + "_flat");
        }
        g.Node.Add(Node("Concat", [.. heads], ["raw"], ("axis", 2)));

        // Random weights collapse to nearly constant outputs, which would make decoding and NMS unrealistically cheap.
        // So the network's output is added (scaled down) to a planted, realistic prediction: ~8400 background anchors
        // with low scores, and 12 objects each seen by 6 neighbouring anchors with jittered boxes (NMS has work to do).
        var anchors = (size / 8) * (size / 8) + (size / 16) * (size / 16) + (size / 32) * (size / 32);
        var (plantedBoxes, plantedLogits, plantedExtras) = PlantedPrediction(anchors, classes, extra, task, size, random);
        g.Initializer.Add(Longs("box_start", [0]));
        g.Initializer.Add(Longs("box_end", [4]));
        g.Initializer.Add(Longs("cls_end", [4 + classes]));
        g.Initializer.Add(Longs("axis1", [1]));
        g.Node.Add(Node("Slice", ["raw", "box_start", "box_end", "axis1"], ["raw_box"]));
        g.Node.Add(Node("Slice", ["raw", "box_end", "cls_end", "axis1"], ["raw_cls"]));
        g.Initializer.Add(Tensor("damp", [], [0.01f]));
        g.Initializer.Add(Tensor("planted_boxes", [1, 4, anchors], plantedBoxes));
        g.Initializer.Add(Tensor("planted_logits", [1, classes, anchors], plantedLogits));
        g.Node.Add(Node("Mul", ["raw_box", "damp"], ["box_delta"]));
        g.Node.Add(Node("Add", ["planted_boxes", "box_delta"], ["boxes"]));
        g.Node.Add(Node("Mul", ["raw_cls", "damp"], ["cls_delta"]));
        g.Node.Add(Node("Add", ["planted_logits", "cls_delta"], ["logits"]));
        g.Node.Add(Node("Sigmoid", ["logits"], ["scores"]));
        string[] parts = ["boxes", "scores"];
        if (extra > 0)
        {
            g.Initializer.Add(Longs("all_end", [channels]));
            g.Node.Add(Node("Slice", ["raw", "cls_end", "all_end", "axis1"], ["raw_extra"]));
            g.Initializer.Add(Tensor("planted_extras", [1, extra, anchors], plantedExtras));
            g.Node.Add(Node("Mul", ["raw_extra", "damp"], ["extra_delta"]));
            g.Node.Add(Node("Add", ["planted_extras", "extra_delta"], ["extras"]));
            parts = [.. parts, "extras"];
        }
        g.Node.Add(Node("Concat", parts, ["output0"], ("axis", 1)));
        g.Output.Add(Info("output0", dynamicBatch ? null : 1, channels, anchors));
        if (task == "segment")
        {
            // Prototypes at stride 4 from the early feature map, as the real -seg head's upsampled protos.
            g.Node.Add(Node("Identity", [Conv(stride4, 32, 32, 1, 1, act: false)], ["output1"]));
            g.Output.Add(Info("output1", dynamicBatch ? null : 1, 32, size / 4, size / 4));
        }
        return Finish(g, classes, task);
    }

    private static byte[] Classifier(GraphProto g, string features, int classes, bool dynamicBatch, Random random)
    {
        g.Node.Add(Node("GlobalAveragePool", [features], ["pooled"]));
        g.Node.Add(Node("Flatten", ["pooled"], ["flat_features"], ("axis", 1)));
        var w = new float[classes * 256];
        for (var i = 0; i < w.Length; i++) w[i] = (random.NextSingle() * 2 - 1) * 0.1f;
        g.Initializer.Add(Tensor("fc_w", [classes, 256], w));
        g.Initializer.Add(Tensor("fc_b", [classes], new float[classes]));
        var gemm = new NodeProto { OpType = "Gemm", Name = "fc" };
        gemm.Input.AddRange(["flat_features", "fc_w", "fc_b"]);
        gemm.Output.Add("logits");
        gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        g.Node.Add(gemm);
        g.Node.Add(Node("Softmax", ["logits"], ["output0"], ("axis", 1)));
        g.Output.Add(Info("output0", dynamicBatch ? null : 1, classes));
        return Finish(g, classes, "classify");
    }

    private static byte[] Finish(GraphProto g, int classes, string task)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "PluginHost.DetectorBench", Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "task", Value = task });
        if (task == "pose") model.MetadataProps.Add(new StringStringEntryProto { Key = "kpt_shape", Value = "[17, 3]" });
        model.MetadataProps.Add(new StringStringEntryProto
        {
            Key = "names",
            Value = "{" + string.Join(", ", Enumerable.Range(0, classes).Select(i => $"{i}: 'class{i}'")) + "}",
        });
        return model.ToByteArray();
    }

    private static (float[] Boxes, float[] Logits, float[] Extras) PlantedPrediction(int anchors, int classes, int extra, string task, int size, Random random)
    {
        var boxes = new float[4 * anchors];
        var logits = new float[classes * anchors];
        var extras = new float[extra * anchors];
        for (var i = 0; i < extras.Length; i++) extras[i] = task == "pose" && i / anchors % 3 != 2 ? random.NextSingle() * size : random.NextSingle() * 2 - 1;
        for (var i = 0; i < anchors; i++)
        {
            boxes[i] = random.NextSingle() * size;
            boxes[anchors + i] = random.NextSingle() * size;
            boxes[2 * anchors + i] = 10 + random.NextSingle() * 100;
            boxes[3 * anchors + i] = 10 + random.NextSingle() * 100;
            for (var c = 0; c < classes; c++) logits[c * anchors + i] = -7 + 2 * (random.NextSingle() - 0.5f);
        }
        for (var o = 0; o < 12; o++)
        {
            float cx = 50 + random.NextSingle() * (size - 100), cy = 50 + random.NextSingle() * (size - 100);
            float w = 30 + random.NextSingle() * 150, h = 30 + random.NextSingle() * 150;
            var cls = o % Math.Min(4, classes);
            var first = random.Next(anchors - 6);
            for (var k = 0; k < 6; k++)
            {
                var i = first + k;
                boxes[i] = cx + (random.NextSingle() - 0.5f) * 6;
                boxes[anchors + i] = cy + (random.NextSingle() - 0.5f) * 6;
                boxes[2 * anchors + i] = w * (0.95f + random.NextSingle() * 0.1f);
                boxes[3 * anchors + i] = h * (0.95f + random.NextSingle() * 0.1f);
                logits[cls * anchors + i] = random.NextSingle() * 4 - 0.5f;
            }
        }
        return (boxes, logits, extras);
    }

    private static ValueInfoProto Info(string name, long? batch, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(batch is { } b ? new TensorShapeProto.Types.Dimension { DimValue = b } : new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs, params (string Name, long Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = outputs[0] + "_" + op };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (name, value) in attributes)
            node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });
        return node;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private static TensorProto Tensor(string name, long[] dims, float[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        t.RawData = ByteString.CopyFrom(bytes);
        return t;
    }

    private static TensorProto Longs(string name, long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        return t;
    }
}
