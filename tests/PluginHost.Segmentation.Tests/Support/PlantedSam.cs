using static Onnx.TensorProto.Types;

namespace PluginHost.Segmentation.Tests.Support;

/// <summary>
/// SAM-shaped ONNX models with planted behaviour and exactly the segment-anything export's I/O:
/// <list type="bullet">
/// <item>encoder: <c>image [1, 3, S, S] → image_embeddings [1, 3, S/4, S/4]</c> (4×4 average pooling);</item>
/// <item>decoder: <c>image_embeddings, point_coords [1, N, 2], point_labels [1, N], mask_input [1, 1, S, S],
/// has_mask_input [1], orig_im_size [2] → masks [1, 1, H, W], iou_predictions [1, 1], low_res_masks</c>, whose mask is
/// the union of discs of radius R around the positive clicks and the box (labels 2 and 3), minus the discs around
/// negative clicks, at the original image size: pixel (x, y) is on when its centre (x + ½, y + ½) is inside.</item>
/// </list>
/// The decoder maps prompts back from the encoder's frame exactly as segment-anything's ResizeLongestSide scales them.
/// </summary>
public static class PlantedSam
{
    public static byte[] Encoder(int side)
    {
        var g = new OnnxGraph("planted_sam_encoder")
            .Input("image", DataType.Float, 1, 3, side, side)
            .Output("image_embeddings", DataType.Float, 1, 3, side / 4, side / 4);
        g.Node("AveragePool", "image_embeddings", ["image"], ("kernel_shape", new long[] { 4, 4 }), ("strides", new long[] { 4, 4 }));
        return g.ToBytes();
    }

    /// <param name="omitInput">Leave this input out (a wrong export) to test the signature check.</param>
    public static byte[] Decoder(int side, double radius, float score, string? omitInput = null)
    {
        var g = new OnnxGraph("planted_sam_decoder");
        foreach (var (name, dims) in new (string, OnnxGraph.Dim[])[]
                 {
                     ("image_embeddings", [1, 3, side / 4, side / 4]), ("point_coords", [1, "num_points", 2]), ("point_labels", [1, "num_points"]),
                     ("mask_input", [1, 1, side, side]), ("has_mask_input", [1]), ("orig_im_size", [2]),
                 })
        {
            if (name != omitInput) g.Input(name, DataType.Float, dims);
        }
        g.Output("masks", DataType.Float, 1, 1, "height", "width")
            .Output("iou_predictions", DataType.Float, 1, 1)
            .Output("low_res_masks", DataType.Float, 1, 1, side, side);

        // Image size and the per-axis scale of ResizeLongestSide: round(w · S / max(h, w)) / w.
        var origin = omitInput == "orig_im_size" ? g.Floats([2], 120, 160) : "orig_im_size";
        g.Node("Gather", "h", [origin, g.Int64Scalar(0)], ("axis", 0));
        g.Node("Gather", "w", [origin, g.Int64Scalar(1)], ("axis", 0));
        g.Node("Max", "longest", ["h", "w"]);
        g.Node("Div", "frame", [g.Scalar(side), "longest"]);
        var half = g.Scalar(0.5f);
        foreach (var axis in new[] { "w", "h" })
        {
            g.Node("Mul", $"{axis}_scaled", [axis, "frame"]);
            g.Node("Add", $"{axis}_rounding", [$"{axis}_scaled", half]);
            g.Node("Floor", $"{axis}_new", [$"{axis}_rounding"]);
            g.Node("Div", $"{axis}_ratio", [$"{axis}_new", axis]);
        }

        // Clicks back in image pixels: px, py [N]; labels [N].
        g.Node("Squeeze", "coords", ["point_coords", g.Int64s(0)]);
        g.Node("Gather", "cx", ["coords", g.Int64Scalar(0)], ("axis", 1));
        g.Node("Gather", "cy", ["coords", g.Int64Scalar(1)], ("axis", 1));
        g.Node("Div", "px", ["cx", "w_ratio"]);
        g.Node("Div", "py", ["cy", "h_ratio"]);
        g.Node("Squeeze", "labels", ["point_labels", g.Int64s(0)]);

        // Pixel centres: xs [W], ys [H].
        g.Node("Range", "xs", [half, "w", g.Scalar(1)]);
        g.Node("Range", "ys", [half, "h", g.Scalar(1)]);

        // Discs: d2 [N, H, W] < R².
        var axis0 = g.Int64s(0);
        var axis1 = g.Int64s(1);
        g.Node("Unsqueeze", "xs_row", ["xs", axis0]);
        g.Node("Unsqueeze", "ys_row", ["ys", axis0]);
        g.Node("Unsqueeze", "px_col", ["px", axis1]);
        g.Node("Unsqueeze", "py_col", ["py", axis1]);
        g.Node("Sub", "dx", ["xs_row", "px_col"]);
        g.Node("Sub", "dy", ["ys_row", "py_col"]);
        g.Node("Mul", "dx2", ["dx", "dx"]);
        g.Node("Mul", "dy2", ["dy", "dy"]);
        g.Node("Unsqueeze", "dx2_n1w", ["dx2", axis1]);
        g.Node("Unsqueeze", "dy2_nh1", ["dy2", g.Int64s(2)]);
        g.Node("Add", "d2", ["dy2_nh1", "dx2_n1w"]);
        g.Node("Less", "in_disc", ["d2", g.Scalar((float)(radius * radius))]);
        g.Node("Cast", "disc", ["in_disc"], ("to", (long)DataType.Float));

        string Weighted(string name, float label)
        {
            g.Node("Equal", $"{name}_is", ["labels", g.Scalar(label)]);
            g.Node("Cast", $"{name}_w", [$"{name}_is"], ("to", (long)DataType.Float));
            g.Node("Unsqueeze", $"{name}_w3", [$"{name}_w", g.Int64s(1, 2)]);
            g.Node("Mul", $"{name}_discs", ["disc", $"{name}_w3"]);
            return g.Node("ReduceMax", $"{name}_any", [$"{name}_discs"], ("axes", new long[] { 0 }), ("keepdims", 0L));
        }
        var positive = Weighted("pos", 1);
        var negative = Weighted("neg", 0);

        // The box: corners are the points labelled 2 (top-left) and 3 (bottom-right).
        string Corner(string name, string of, float label)
        {
            g.Node("Equal", $"{name}_is", ["labels", g.Scalar(label)]);
            g.Node("Cast", $"{name}_w", [$"{name}_is"], ("to", (long)DataType.Float));
            g.Node("Mul", $"{name}_only", [of, $"{name}_w"]);
            return g.Node("ReduceSum", name, [$"{name}_only", g.Int64s(0)], ("keepdims", 0L));
        }
        var x1 = Corner("x1", "px", 2);
        var y1 = Corner("y1", "py", 2);
        var x2 = Corner("x2", "px", 3);
        var y2 = Corner("y2", "py", 3);
        g.Node("Equal", "tl_is", ["labels", g.Scalar(2)]);
        g.Node("Cast", "tl_w", ["tl_is"], ("to", (long)DataType.Float));
        g.Node("ReduceMax", "has_box", ["tl_w"], ("axes", new long[] { 0 }), ("keepdims", 0L));
        string Within(string name, string values, string low, string high)
        {
            g.Node("GreaterOrEqual", $"{name}_lo", [values, low]);
            g.Node("Less", $"{name}_hi", [values, high]);
            g.Node("And", $"{name}_in", [$"{name}_lo", $"{name}_hi"]);
            return g.Node("Cast", name, [$"{name}_in"], ("to", (long)DataType.Float));
        }
        var inX = Within("in_x", "xs", x1, x2);
        var inY = Within("in_y", "ys", y1, y2);
        g.Node("Unsqueeze", "in_y_col", [inY, axis1]);
        g.Node("Unsqueeze", "in_x_row", [inX, axis0]);
        g.Node("Mul", "in_box_hw", ["in_y_col", "in_x_row"]);
        g.Node("Mul", "in_box", ["in_box_hw", "has_box"]);

        // logit = max(positive, box) − negative − ½: on inside a positive disc or the box and outside every negative disc.
        g.Node("Max", "on", [positive, "in_box"]);
        g.Node("Sub", "on_minus_neg", ["on", negative]);
        g.Node("Sub", "logit", ["on_minus_neg", half]);
        g.Node("Unsqueeze", "masks", ["logit", g.Int64s(0, 1)]);

        // The score is planted; the embedding is read (times 0) so the decoder depends on what the encoder gave it.
        var embeddings = omitInput == "image_embeddings" ? g.Floats([1], 0) : "image_embeddings";
        g.Node("ReduceMean", "embedding_mean", [embeddings], ("keepdims", 0L));
        g.Node("Mul", "embedding_zero", ["embedding_mean", g.Scalar(0)]);
        g.Node("Add", "iou", [g.Floats([1, 1], score), "embedding_zero"]);
        g.Node("Identity", "iou_predictions", ["iou"]);
        var maskInput = omitInput == "mask_input" ? g.Floats([1, 1, 1, 1], 0) : "mask_input";
        g.Node("Identity", "low_res_masks", [maskInput]);
        return g.ToBytes();
    }

    /// <summary>The mask the planted decoder gives: discs around positive clicks and the box, minus negative discs.</summary>
    public static byte[] ExpectedMask(int width, int height, double radius, IEnumerable<(double X, double Y, bool Positive)> clicks,
        (double X1, double Y1, double X2, double Y2)? box = null)
    {
        var mask = new byte[width * height];
        var list = clicks.ToList();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double cx = x + 0.5, cy = y + 0.5;
                bool Inside((double X, double Y, bool Positive) c) => (cx - c.X) * (cx - c.X) + (cy - c.Y) * (cy - c.Y) < radius * radius;
                var on = list.Any(c => c.Positive && Inside(c))
                    || (box is { } b && cx >= b.X1 && cx < b.X2 && cy >= b.Y1 && cy < b.Y2);
                if (on && !list.Any(c => !c.Positive && Inside(c))) mask[y * width + x] = 1;
            }
        }
        return mask;
    }
}
