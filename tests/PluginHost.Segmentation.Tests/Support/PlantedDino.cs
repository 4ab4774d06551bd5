using static Onnx.TensorProto.Types;

namespace PluginHost.Segmentation.Tests.Support;

/// <summary>A query the planted Grounding DINO answers: its box (cx, cy, w, h in 0–1) and the caption token that
/// lights up (logit <paramref name="Logit"/> wherever that token is in the caption, −20 elsewhere).</summary>
public sealed record PlantedQuery(float Cx, float Cy, float W, float H, string Token, float Logit);

/// <summary>
/// Grounding-DINO-shaped ONNX models with exactly the export's I/O (<c>img, input_ids, attention_mask, position_ids,
/// token_type_ids, text_token_mask → logits [1, Q, 256], boxes [1, Q, 4]</c>) and planted answers, and the small BERT
/// vocabulary they are tokenized with.
/// </summary>
public static class PlantedDino
{
    /// <summary>A BERT vocab.txt: special tokens first (ids are line numbers).</summary>
    public static readonly string[] Vocabulary =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", "?", "car", "person", "dog", "red", "a", "big", "##s"];

    public static string VocabText => string.Join("\n", Vocabulary) + "\n";

    public static long Id(string token) => Array.IndexOf(Vocabulary, token);

    public static byte[] Model(IReadOnlyList<PlantedQuery> queries, string imageInput = "img", bool omitTextMask = false)
    {
        var q = queries.Count;
        var g = new OnnxGraph("planted_grounding_dino")
            .Input(imageInput, DataType.Float, 1, 3, "height", "width")
            .Input("input_ids", DataType.Int64, 1, "seq")
            .Input("attention_mask", DataType.Int64, 1, "seq")
            .Input("position_ids", DataType.Int64, 1, "seq")
            .Input("token_type_ids", DataType.Int64, 1, "seq");
        if (!omitTextMask) g.Input("text_token_mask", DataType.Bool, 1, "seq", "seq");
        g.Output("logits", DataType.Float, 1, q, 256).Output("boxes", DataType.Float, 1, q, 4);

        // logits[0, q, t] = Logit_q where input_ids[t] is the query's token, else −20; padded to 256 tokens with −20.
        g.Node("Unsqueeze", "ids_11t", ["input_ids", g.Int64s(1)]);
        var tokenIds = g.Int64sShaped([1, q, 1], queries.Select(x => Id(x.Token)).ToArray());
        g.Node("Equal", "hit", ["ids_11t", tokenIds]);
        g.Node("Where", "scores", ["hit", g.Floats([1, q, 1], queries.Select(x => x.Logit).ToArray()), g.Scalar(-20)]);
        g.Node("Shape", "ids_shape", ["input_ids"]);
        g.Node("Slice", "seq_len", ["ids_shape", g.Int64s(1), g.Int64s(2)]);
        g.Node("Sub", "pad_len", [g.Int64s(256), "seq_len"]);
        g.Node("Concat", "pads", [g.Int64s(0, 0, 0, 0, 0), "pad_len"], ("axis", 0L));
        g.Node("Pad", "logits", ["scores", "pads", g.Scalar(-20)]);
        g.Node("Identity", "boxes", [g.Floats([1, q, 4], queries.SelectMany(x => new[] { x.Cx, x.Cy, x.W, x.H }).ToArray())]);
        return g.ToBytes();
    }
}
