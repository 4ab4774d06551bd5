using SkiaSharp;

namespace PluginHost.EmbeddingBench;

/// <summary>Draws the learning curves, one panel per data set, as a PNG (SkiaSharp; DejaVu Sans when installed).</summary>
public static class CurveChart
{
    private const int PanelWidth = 520, Height = 400, Left = 60, Right = 20, Top = 50, Bottom = 55;
    private static readonly SKColor EmbeddingColor = new(0x1f, 0x77, 0xb4), TextColor = new(0xd6, 0x27, 0x28);

    public static void Save(string path, IReadOnlyList<(string Title, IReadOnlyList<CurvePoint> Points)> panels)
    {
        using var surface = SKSurface.Create(new SKImageInfo(PanelWidth * panels.Count, Height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = LoadTypeface();
        using var font = new SKFont(typeface, 13);
        using var titleFont = new SKFont(typeface, 15) { Embolden = true };
        for (var i = 0; i < panels.Count; i++)
        {
            canvas.Save();
            canvas.Translate(i * PanelWidth, 0);
            DrawPanel(canvas, panels[i].Title, panels[i].Points, font, titleFont);
            canvas.Restore();
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static void DrawPanel(SKCanvas canvas, string title, IReadOnlyList<CurvePoint> points, SKFont font, SKFont titleFont)
    {
        var plotWidth = PanelWidth - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var minY = Math.Floor(Math.Min(points.Min(p => p.Embedding), points.Min(p => p.Text)) * 10) / 10;
        double X(int labels) => Left + plotWidth * (Math.Log(labels) - Math.Log(LearningCurve.Sizes[0])) / (Math.Log(LearningCurve.Sizes[^1]) - Math.Log(LearningCurve.Sizes[0]));
        double Y(double accuracy) => Top + plotHeight * (1 - (accuracy - minY) / (1 - minY));

        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var grid = new SKPaint { Color = new SKColor(0xdd, 0xdd, 0xdd), StrokeWidth = 1 };
        canvas.DrawText(title, Left, 28, SKTextAlign.Left, titleFont, ink);
        for (var tick = minY; tick <= 1.0001; tick += 0.1)
        {
            canvas.DrawLine(Left, (float)Y(tick), Left + plotWidth, (float)Y(tick), grid);
            canvas.DrawText($"{tick:P0}", 8, (float)Y(tick) + 4, SKTextAlign.Left, font, ink);
        }
        foreach (var size in LearningCurve.Sizes)
        {
            canvas.DrawLine((float)X(size), Top, (float)X(size), Top + plotHeight, grid);
            canvas.DrawText(size.ToString(System.Globalization.CultureInfo.InvariantCulture), (float)X(size) - 8, Top + plotHeight + 18, SKTextAlign.Left, font, ink);
        }
        canvas.DrawText("labelled examples (log scale)", Left + plotWidth / 2f - 90, Height - 12, SKTextAlign.Left, font, ink);
        DrawSeries(canvas, points.Select(p => (X(p.Labels), Y(p.Embedding))).ToList(), EmbeddingColor);
        DrawSeries(canvas, points.Select(p => (X(p.Labels), Y(p.Text))).ToList(), TextColor);
        using var embeddingInk = new SKPaint { Color = EmbeddingColor, IsAntialias = true };
        using var textInk = new SKPaint { Color = TextColor, IsAntialias = true };
        canvas.DrawText("embeddingclassifier (MiniLM + logistic regression)", Left + 10, Top + 16, SKTextAlign.Left, font, embeddingInk);
        canvas.DrawText("textclassifier (word n-grams + logistic regression)", Left + 10, Top + 34, SKTextAlign.Left, font, textInk);
    }

    private static void DrawSeries(SKCanvas canvas, List<(double X, double Y)> points, SKColor color)
    {
        using var line = new SKPaint { Color = color, StrokeWidth = 2.5f, IsAntialias = true, Style = SKPaintStyle.Stroke };
        using var dot = new SKPaint { Color = color, IsAntialias = true };
        for (var i = 1; i < points.Count; i++)
            canvas.DrawLine((float)points[i - 1].X, (float)points[i - 1].Y, (float)points[i].X, (float)points[i].Y, line);
        foreach (var (x, y) in points) canvas.DrawCircle((float)x, (float)y, 4, dot);
    }

    private static SKTypeface LoadTypeface()
    {
        const string dejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        return File.Exists(dejaVu) ? SKTypeface.FromFile(dejaVu) : SKTypeface.Default;
    }
}
