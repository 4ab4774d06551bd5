namespace PluginHost.Imaging;

/// <summary>The pixel format a decoded image is kept in.</summary>
public enum ImagePixels
{
    /// <summary>8-bit gray, one byte per pixel (Tesseract).</summary>
    Gray8,

    /// <summary>8-bit RGBA, opaque (neural models: the alpha byte is 255).</summary>
    Rgba8888,
}
