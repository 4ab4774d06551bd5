namespace PluginHost.Imaging;

/// <summary>An axis-aligned pixel rectangle (right and bottom exclusive), inside its image.</summary>
public readonly record struct PixelRect(int Left, int Top, int Width, int Height)
{
    public int Right => Left + Width;

    public int Bottom => Top + Height;

    public bool IsEmpty => Width <= 0 || Height <= 0;
}
