using System.Buffers;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>A box in model-input pixels (corners), its class and confidence, and which candidate of the output it is
/// (to read its mask coefficients or keypoints).</summary>
internal readonly record struct Detection(float X1, float Y1, float X2, float Y2, int ClassId, float Score, int Index = -1)
{
    public float Area => Math.Max(0, X2 - X1) * Math.Max(0, Y2 - Y1);

    public float IoU(in Detection other)
    {
        var w = Math.Min(X2, other.X2) - Math.Max(X1, other.X1);
        var h = Math.Min(Y2, other.Y2) - Math.Max(Y1, other.Y1);
        if (w <= 0 || h <= 0) return 0;
        var intersection = w * h;
        return intersection / (Area + other.Area - intersection);
    }
}

/// <summary>
/// Turns one image's raw YOLO output into final boxes: best class per candidate (argmax over all classes, as
/// Ultralytics does), confidence threshold, classes the caller does not want dropped, then class-wise NMS.
/// </summary>
internal static class YoloDecoder
{
    /// <summary>Ultralytics' <c>max_nms</c>: more candidates than this go to NMS only by best score.</summary>
    private const int MaxNmsCandidates = 30_000;

    /// <param name="rowLength">Floats per candidate in the row layout (5 + classes, or more with extra heads).</param>
    public static List<Detection> Decode(YoloOutputs output, int image, float scoreThreshold, float iouThreshold, int maxDetections, Func<int, bool> wantClass) =>
        Decode(output.Image(image), output.Layout, output.Candidates, output.Classes, output.RowLength, scoreThreshold, iouThreshold, maxDetections, wantClass);

    public static List<Detection> Decode(ReadOnlySpan<float> image, YoloLayout layout, int candidates, int classes, int rowLength,
        float scoreThreshold, float iouThreshold, int maxDetections, Func<int, bool> wantClass)
    {
        var found = new List<Detection>();
        if (layout == YoloLayout.ChannelsFirst) CollectChannelsFirst(image, candidates, classes, scoreThreshold, wantClass, found);
        else CollectRows(image, candidates, classes, rowLength, scoreThreshold, wantClass, found);
        return NonMaxSuppression(found, iouThreshold, maxDetections);
    }

    /// <summary><c>[4+C, N]</c>: walk class rows in order (contiguous memory), keeping the best class per column.</summary>
    private static void CollectChannelsFirst(ReadOnlySpan<float> data, int n, int classes, float threshold, Func<int, bool> wantClass, List<Detection> found)
    {
        var bestScore = ArrayPool<float>.Shared.Rent(n);
        var bestClass = ArrayPool<int>.Shared.Rent(n);
        try
        {
            data.Slice(4 * n, n).CopyTo(bestScore);
            Array.Clear(bestClass, 0, n);
            for (var c = 1; c < classes; c++)
            {
                var row = data.Slice((4 + c) * n, n);
                for (var i = 0; i < n; i++)
                {
                    if (row[i] > bestScore[i])
                    {
                        bestScore[i] = row[i];
                        bestClass[i] = c;
                    }
                }
            }
            for (var i = 0; i < n; i++)
            {
                var score = bestScore[i];
                if (!(score >= threshold) || !wantClass(bestClass[i])) continue; // NaN never passes
                found.Add(FromCenter(data[i], data[n + i], data[2 * n + i], data[3 * n + i], bestClass[i], score, i));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(bestScore);
            ArrayPool<int>.Shared.Return(bestClass);
        }
    }

    /// <summary><c>[N, 5+C]</c>: confidence is objectness × class probability.</summary>
    private static void CollectRows(ReadOnlySpan<float> data, int n, int classes, int stride, float threshold, Func<int, bool> wantClass, List<Detection> found)
    {
        for (var i = 0; i < n; i++)
        {
            var row = data.Slice(i * stride, stride);
            var objectness = row[4];
            if (!(objectness >= threshold)) continue; // the product cannot pass either; NaN never passes
            var best = 0;
            for (var c = 1; c < classes; c++)
                if (row[5 + c] > row[5 + best]) best = c;
            var score = objectness * row[5 + best];
            if (!(score >= threshold) || !wantClass(best)) continue;
            found.Add(FromCenter(row[0], row[1], row[2], row[3], best, score, i));
        }
    }

    private static Detection FromCenter(float cx, float cy, float w, float h, int classId, float score, int index) =>
        new(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, classId, score, index);

    /// <summary>Greedy NMS per class: highest score first, drop same-class boxes overlapping a kept one above the IoU.</summary>
    internal static List<Detection> NonMaxSuppression(List<Detection> candidates, float iouThreshold, int maxDetections)
    {
        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        if (candidates.Count > MaxNmsCandidates) candidates.RemoveRange(MaxNmsCandidates, candidates.Count - MaxNmsCandidates);
        var kept = new List<Detection>();
        var suppressed = new bool[candidates.Count];
        for (var i = 0; i < candidates.Count && kept.Count < maxDetections; i++)
        {
            if (suppressed[i]) continue;
            var box = candidates[i];
            kept.Add(box);
            for (var j = i + 1; j < candidates.Count; j++)
            {
                if (!suppressed[j] && candidates[j].ClassId == box.ClassId && box.IoU(candidates[j]) > iouThreshold)
                    suppressed[j] = true;
            }
        }
        return kept;
    }
}
