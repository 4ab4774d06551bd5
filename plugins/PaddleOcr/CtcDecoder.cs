using System.Text;

namespace PluginHost.Plugins.PaddleOcr;

/// <summary>CTC greedy decoding (PaddleOCR's <c>CTCLabelDecode</c>): the best class per time step, repeats merged,
/// blanks (class 0) dropped; the score is the mean probability of the characters kept.</summary>
internal static class CtcDecoder
{
    public static (string Text, double Score)[] Decode(ReadOnlySpan<float> probabilities, int batch, int steps, int classes, string[] characters)
    {
        var results = new (string, double)[batch];
        var text = new StringBuilder();
        for (var b = 0; b < batch; b++)
        {
            text.Clear();
            double sum = 0;
            var kept = 0;
            var previous = -1;
            for (var t = 0; t < steps; t++)
            {
                var row = probabilities.Slice((b * steps + t) * classes, classes);
                var best = 0;
                for (var c = 1; c < classes; c++)
                    if (row[c] > row[best]) best = c;
                if (best != 0 && best != previous && best < characters.Length)
                {
                    text.Append(characters[best]);
                    sum += row[best];
                    kept++;
                }
                previous = best;
            }
            results[b] = (text.ToString(), kept == 0 ? 0 : sum / kept);
        }
        return results;
    }
}
