namespace PluginHost.Sdk.Predictions;

/// <summary>A box in percent (0–100) of the original image: top-left corner, width and height.</summary>
public readonly record struct PercentBox(double X, double Y, double Width, double Height);
