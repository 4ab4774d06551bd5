using PluginHost.Segmentation.Tests.Support;
using static Onnx.TensorProto.Types;

namespace PluginHost.SamBench;

/// <summary>
/// SAM-family ONNX models with random weights and the real exports' I/O, sized like MobileSAM, so the benchmark
/// measures a realistic amount of work without weights (none can be downloaded here):
/// <list type="bullet">
/// <item>encoder <c>image [1, 3, 1024, 1024] → image_embeddings [1, 256, 64, 64]</c>: a stride-16 convolutional stack
/// of 9 convolutions with SiLU, ≈ 12.8 G multiply-adds (≈ 25 GFLOPs) and ≈ 2.1 M parameters (MobileSAM's TinyViT
/// encoder has 5.8 M parameters; SAM ViT-B's ~90 M and several times the work);</item>
/// <item>decoder: SAM's mask decoder shape of work — prompt tokens, two two-way attention blocks between the prompt
/// tokens and the 4096 image tokens (attention width 128), a transposed-convolution upscaler to 256×256, a
/// hypernetwork product, then the bilinear resize to the original image size — ≈ 3 M parameters (SAM's: ~4 M) and
/// ≈ 1.5 G multiply-adds (≈ 3 GFLOPs) before the resize. The random network's output is damped and added to a disc around the first click, so thresholding
/// and RLE see a realistic object-sized mask.</item>
/// </list>
/// </summary>
public static class SyntheticSam
{
    public static byte[] Encoder()
    {
        var random = new Random(7);
        var g = new OnnxGraph("synthetic_sam_encoder")
            .Input("image", DataType.Float, 1, 3, 1024, 1024)
            .Output("image_embeddings", DataType.Float, 1, 256, 64, 64);
        var n = 0;
        string Conv(string input, int cin, int cout, int kernel, int stride, bool act = true, string? output = null)
        {
            var name = output ?? $"conv{n++}";
            var w = g.Floats([cout, cin, kernel, kernel], Weights(random, cout * cin * kernel * kernel, cin * kernel * kernel));
            var b = g.Floats([cout], new float[cout]);
            var pad = kernel / 2;
            g.Node("Conv", act ? name + "_pre" : name, [input, w, b],
                ("kernel_shape", new long[] { kernel, kernel }), ("strides", new long[] { stride, stride }), ("pads", new long[] { pad, pad, pad, pad }));
            if (!act) return name;
            g.Node("Sigmoid", name + "_sig", [name + "_pre"]);
            return g.Node("Mul", name, [name + "_pre", name + "_sig"]);
        }
        var x = Conv("image", 3, 32, 3, 2);     // 512
        x = Conv(x, 32, 64, 3, 2);              // 256
        x = Conv(x, 64, 128, 3, 2);             // 128
        x = Conv(x, 128, 128, 3, 1);
        x = Conv(x, 128, 160, 3, 2);            // 64
        x = Conv(x, 160, 160, 3, 1);
        x = Conv(x, 160, 320, 3, 1);
        x = Conv(x, 320, 320, 3, 1);
        Conv(x, 320, 256, 1, 1, act: false, output: "image_embeddings");
        return g.ToBytes("PluginHost.SamBench");
    }

    public static byte[] Decoder(double radiusFraction = 0.15)
    {
        var random = new Random(11);
        const int c = 256, inner = 128, tokens = 4096;
        var g = new OnnxGraph("synthetic_sam_decoder")
            .Input("image_embeddings", DataType.Float, 1, c, 64, 64)
            .Input("point_coords", DataType.Float, 1, "num_points", 2)
            .Input("point_labels", DataType.Float, 1, "num_points")
            .Input("mask_input", DataType.Float, 1, 1, 256, 256)
            .Input("has_mask_input", DataType.Float, 1)
            .Input("orig_im_size", DataType.Float, 2)
            .Output("masks", DataType.Float, 1, 1, "height", "width")
            .Output("iou_predictions", DataType.Float, 1, 1)
            .Output("low_res_masks", DataType.Float, 1, 1, 256, 256);
        string W(int rows, int cols) => g.Floats([rows, cols], Weights(random, rows * cols, rows));
        var n = 0;
        string Name(string s) => $"{s}{n++}";

        // Prompt tokens [N + 1, 256]: Fourier-like features of the clicks plus a label embedding, and an output token.
        g.Node("Squeeze", "coords", ["point_coords", g.Int64s(0)]);
        g.Node("MatMul", "coord_proj", ["coords", W(2, c)]);
        g.Node("Sin", "coord_feat", ["coord_proj"]);
        g.Node("Unsqueeze", "labels_col", ["point_labels", g.Int64s(2)]);
        g.Node("Squeeze", "labels_n1", ["labels_col", g.Int64s(0)]);
        g.Node("MatMul", "label_feat", ["labels_n1", W(1, c)]);
        g.Node("Add", "prompt", ["coord_feat", "label_feat"]);
        g.Node("Concat", "tok0", [g.Floats([1, c], Weights(random, c, 1)), "prompt"], ("axis", 0L));

        // Image tokens [4096, 256].
        g.Node("Reshape", "img_flat", ["image_embeddings", g.Int64s(c, tokens)]);
        g.Node("Transpose", "img0", ["img_flat"], ("perm", new long[] { 1, 0 }));

        string Attention(string queries, string keys, int qDim, int kDim)
        {
            var q = g.Node("MatMul", Name("q"), [queries, W(qDim, inner)]);
            var k = g.Node("MatMul", Name("k"), [keys, W(kDim, inner)]);
            var v = g.Node("MatMul", Name("v"), [keys, W(kDim, inner)]);
            var kt = g.Node("Transpose", Name("kt"), [k], ("perm", new long[] { 1, 0 }));
            var s = g.Node("MatMul", Name("s"), [q, kt]);
            var scaled = g.Node("Mul", Name("sc"), [s, g.Scalar(1 / MathF.Sqrt(inner))]);
            var a = g.Node("Softmax", Name("a"), [scaled], ("axis", -1L));
            var o = g.Node("MatMul", Name("o"), [a, v]);
            return g.Node("MatMul", Name("out"), [o, W(inner, qDim)]);
        }

        string tok = "tok0", img = "img0";
        for (var block = 0; block < 2; block++)
        {
            tok = g.Node("Add", Name("t_self"), [tok, Attention(tok, tok, c, c)]);
            tok = g.Node("Add", Name("t_cross"), [tok, Attention(tok, img, c, c)]);
            var hidden = g.Node("Relu", Name("mlp_h"), [g.Node("MatMul", Name("mlp1"), [tok, W(c, 2048)])]);
            tok = g.Node("Add", Name("t_mlp"), [tok, g.Node("MatMul", Name("mlp2"), [hidden, W(2048, c)])]);
            img = g.Node("Add", Name("i_cross"), [img, Attention(img, tok, c, c)]);
        }

        // Upscale the image tokens to 256×256 with 32 channels; the output token's hypernetwork weights mix them.
        g.Node("Transpose", "img_t", [img], ("perm", new long[] { 1, 0 }));
        g.Node("Reshape", "img_map", ["img_t", g.Int64s(1, c, 64, 64)]);
        g.Node("ConvTranspose", "up1_pre", ["img_map", g.Floats([c, 64, 2, 2], Weights(random, c * 64 * 4, c * 4)), g.Floats([64], new float[64])],
            ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }));
        g.Node("Relu", "up1", ["up1_pre"]);
        g.Node("ConvTranspose", "up2_pre", ["up1", g.Floats([64, 32, 2, 2], Weights(random, 64 * 32 * 4, 64 * 4)), g.Floats([32], new float[32])],
            ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }));
        g.Node("Relu", "up2", ["up2_pre"]);
        g.Node("Reshape", "up_flat", ["up2", g.Int64s(32, 65536)]);
        g.Node("Gather", "out_token", [tok, g.Int64s(0)], ("axis", 0L));
        g.Node("MatMul", "hyper_h", ["out_token", W(c, c)]);
        g.Node("Relu", "hyper_r", ["hyper_h"]);
        g.Node("MatMul", "hyper", ["hyper_r", W(c, 32)]);
        g.Node("MatMul", "low_flat", ["hyper", "up_flat"]);
        g.Node("Reshape", "low_net", ["low_flat", g.Int64s(1, 1, 256, 256)]);
        g.Node("Mul", "mask_prior", ["mask_input", "has_mask_input"]);
        g.Node("Add", "low_sum", ["low_net", "mask_prior"]);
        g.Node("Mul", "low_res_masks", ["low_sum", g.Scalar(0.001f)]);
        g.Node("Sigmoid", "iou_raw", [g.Node("MatMul", "iou_h", ["out_token", W(c, 1)])]);
        g.Node("Reshape", "iou_predictions", ["iou_raw", g.Int64s(1, 1)]);

        // To the original size, bilinear (as SAM's postprocess_masks), plus a disc around the first click.
        g.Node("Cast", "size_i", ["orig_im_size"], ("to", (long)DataType.Int64));
        g.Node("Concat", "out_size", [g.Int64s(1, 1), "size_i"], ("axis", 0L));
        g.Node("Resize", "net_masks", ["low_res_masks", "", "", "out_size"], ("mode", "linear"));
        Disc(g, radiusFraction);
        g.Node("Add", "masks", ["net_masks", "disc_logit"]);
        return g.ToBytes("PluginHost.SamBench");
    }

    /// <summary>disc_logit [1, 1, H, W]: +1 inside a disc of radius <paramref name="fraction"/>·min(H, W) around the
    /// first click (mapped back from the 1024 frame), −1 outside.</summary>
    private static void Disc(OnnxGraph g, double fraction)
    {
        g.Node("Gather", "h", ["orig_im_size", g.Int64Scalar(0)], ("axis", 0L));
        g.Node("Gather", "w", ["orig_im_size", g.Int64Scalar(1)], ("axis", 0L));
        g.Node("Max", "longest", ["h", "w"]);
        g.Node("Min", "shortest", ["h", "w"]);
        g.Node("Div", "frame", [g.Scalar(1024), "longest"]);
        g.Node("Gather", "first", ["coords", g.Int64Scalar(0)], ("axis", 0L));
        g.Node("Div", "first_px", ["first", "frame"]);
        g.Node("Gather", "px", ["first_px", g.Int64Scalar(0)], ("axis", 0L));
        g.Node("Gather", "py", ["first_px", g.Int64Scalar(1)], ("axis", 0L));
        g.Node("Range", "xs", [g.Scalar(0.5f), "w", g.Scalar(1)]);
        g.Node("Range", "ys", [g.Scalar(0.5f), "h", g.Scalar(1)]);
        g.Node("Sub", "dx", ["xs", "px"]);
        g.Node("Sub", "dy", ["ys", "py"]);
        g.Node("Mul", "dx2", ["dx", "dx"]);
        g.Node("Mul", "dy2", ["dy", "dy"]);
        g.Node("Unsqueeze", "dy2_col", ["dy2", g.Int64s(1)]);
        g.Node("Unsqueeze", "dx2_row", ["dx2", g.Int64s(0)]);
        g.Node("Add", "d2", ["dy2_col", "dx2_row"]);
        g.Node("Mul", "radius", ["shortest", g.Scalar((float)fraction)]);
        g.Node("Mul", "r2", ["radius", "radius"]);
        g.Node("Less", "inside", ["d2", "r2"]);
        g.Node("Cast", "inside_f", ["inside"], ("to", (long)DataType.Float));
        g.Node("Mul", "twice", ["inside_f", g.Scalar(2)]);
        g.Node("Sub", "disc_hw", ["twice", g.Scalar(1)]);
        g.Node("Unsqueeze", "disc_logit", ["disc_hw", g.Int64s(0, 1)]);
    }

    private static float[] Weights(Random random, int count, int fanIn)
    {
        var bound = MathF.Sqrt(3f / fanIn);
        var w = new float[count];
        for (var i = 0; i < w.Length; i++) w[i] = (random.NextSingle() * 2 - 1) * bound;
        return w;
    }
}
