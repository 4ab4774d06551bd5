using Google.Protobuf;
using Onnx;
using static PluginHost.Detector.Tests.Support.PlantedModel;

namespace PluginHost.Detector.Tests.Support;

/// <summary>
/// YOLOv8/11-shaped models of every Ultralytics task, written with the onnx protobuf classes and with the real exports'
/// I/O: input <c>images [batch, 3, S, S]</c>; output0 <c>[batch, 4+C+E, N]</c> where a box's class score is
/// <c>base × red(cx, cy)</c> (the letterboxed input's red plane at the box centre, so boxes fire only on red areas) and
/// the E extra channels are constants (mask coefficients, keypoints, angle); segmentation adds output1, constant
/// prototypes <c>[batch, M, P, P]</c>; classification outputs <c>[batch, C]</c>.
/// </summary>
public static class PlantedTaskModel
{
    /// <param name="extras">Per extra channel, one value per planted box.</param>
    public static byte[] Boxes(string task, int size, int classes, IReadOnlyList<PlantedBox> boxes, float[][] extras, string names,
        string? kptShape = null, float[]? protos = null, int protoChannels = 0, int protoSize = 0, bool dynamicBatch = true)
    {
        var n = boxes.Count;
        var graph = new GraphProto { Name = "planted_" + task };
        graph.Input.Add(TensorInfo("images", dynamicBatch ? null : 1, 3, size, size));
        AddRedAt(graph, size, boxes.Select(b => (long)(b.Cy * size + b.Cx)).ToArray());
        AddBatch(graph);

        var boxRows = new float[4 * n];
        for (var i = 0; i < n; i++)
            (boxRows[i], boxRows[n + i], boxRows[2 * n + i], boxRows[3 * n + i]) = (boxes[i].Cx, boxes[i].Cy, boxes[i].W, boxes[i].H);
        var parts = new List<string> { Expanded(graph, "boxes", boxRows, 4, n) };
        graph.Initializer.Add(Int64s("axis1", [1]));
        graph.Node.Add(Node("Unsqueeze", ["red_at", "axis1"], ["red_b1n"]));
        var mask = new float[classes * n];
        for (var i = 0; i < n; i++) mask[boxes[i].ClassId * n + i] = boxes[i].BaseScore;
        graph.Initializer.Add(Floats("class_mask", [1, classes, n], mask));
        graph.Node.Add(Node("Mul", ["red_b1n", "class_mask"], ["scores"]));
        parts.Add("scores");
        if (extras.Length > 0) parts.Add(Expanded(graph, "extras", [.. extras.SelectMany(e => e)], extras.Length, n));
        graph.Node.Add(Node("Concat", [.. parts], ["output0"], ("axis", 1)));
        graph.Output.Add(TensorInfo("output0", dynamicBatch ? null : 1, 4 + classes + extras.Length, n));
        if (protos is not null)
        {
            graph.Node.Add(Node("Identity", [Expanded(graph, "protos", protos, protoChannels, protoSize, protoSize)], ["output1"]));
            graph.Output.Add(TensorInfo("output1", dynamicBatch ? null : 1, protoChannels, protoSize, protoSize));
        }
        return Finish(graph, task, names, kptShape);
    }

    /// <summary>Classification: <c>[batch, C]</c> = <paramref name="onRed"/> where the input is red at
    /// (<paramref name="x"/>, <paramref name="y"/>), <paramref name="onBlack"/> where it is black (linear in between).</summary>
    public static byte[] Classifier(int size, int x, int y, float[] onRed, float[] onBlack, string names, bool dynamicBatch = true)
    {
        var graph = new GraphProto { Name = "planted_classify" };
        graph.Input.Add(TensorInfo("images", dynamicBatch ? null : 1, 3, size, size));
        AddRedAt(graph, size, [y * size + x]); // red_at [B, 1]
        graph.Initializer.Add(Floats("difference", [1, onRed.Length], [.. onRed.Zip(onBlack, (r, b) => r - b)]));
        graph.Initializer.Add(Floats("on_black", [1, onBlack.Length], onBlack));
        graph.Node.Add(Node("Mul", ["red_at", "difference"], ["scaled"]));
        graph.Node.Add(Node("Add", ["scaled", "on_black"], ["output0"]));
        graph.Output.Add(TensorInfo("output0", dynamicBatch ? null : 1, onRed.Length));
        return Finish(graph, "classify", names, null);
    }

    /// <summary>red_at [B, K] = images[b, 0] flattened, gathered at <paramref name="positions"/>.</summary>
    private static void AddRedAt(GraphProto graph, int size, long[] positions)
    {
        graph.Initializer.Add(Int64s("red_starts", [0]));
        graph.Initializer.Add(Int64s("red_ends", [1]));
        graph.Initializer.Add(Int64s("red_axes", [1]));
        graph.Node.Add(Node("Slice", ["images", "red_starts", "red_ends", "red_axes"], ["red_plane"]));
        graph.Initializer.Add(Int64s("flat_shape", [0, -1]));
        graph.Node.Add(Node("Reshape", ["red_plane", "flat_shape"], ["red_flat"]));
        graph.Initializer.Add(Int64s("positions", positions, positions.Length));
        graph.Node.Add(Node("Gather", ["red_flat", "positions"], ["red_at"], ("axis", 1)));
    }

    private static void AddBatch(GraphProto graph)
    {
        graph.Node.Add(Node("Shape", ["images"], ["input_shape"]));
        graph.Initializer.Add(Int64s("zero", [0]));
        graph.Initializer.Add(Int64s("one", [1]));
        graph.Node.Add(Node("Slice", ["input_shape", "zero", "one"], ["batch"]));
    }

    /// <summary>A constant <c>[1, dims…]</c> expanded to <c>[batch, dims…]</c>; returns the expanded tensor's name.</summary>
    private static string Expanded(GraphProto graph, string name, float[] values, params long[] dims)
    {
        graph.Initializer.Add(Floats(name, [1, .. dims], values));
        graph.Initializer.Add(Int64s(name + "_tail", dims));
        graph.Node.Add(Node("Concat", ["batch", name + "_tail"], [name + "_shape"], ("axis", 0)));
        graph.Node.Add(Node("Expand", [name, name + "_shape"], [name + "_b"]));
        return name + "_b";
    }

    private static byte[] Finish(GraphProto graph, string task, string names, string? kptShape)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "PluginHost.Detector.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "names", Value = names });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "task", Value = task });
        if (kptShape is not null) model.MetadataProps.Add(new StringStringEntryProto { Key = "kpt_shape", Value = kptShape });
        return model.ToByteArray();
    }
}
