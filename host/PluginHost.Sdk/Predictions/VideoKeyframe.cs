namespace PluginHost.Sdk.Predictions;

/// <summary>One keyframe of a <c>videorectangle</c> sequence.</summary>
public sealed record VideoKeyframe(int Frame, bool Enabled, double X, double Y, double Width, double Height, double Time, double Rotation = 0);
