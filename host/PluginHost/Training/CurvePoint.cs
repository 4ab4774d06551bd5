namespace PluginHost.Training;

/// <summary>One point of a training curve a trainer reported: its step (iteration, epoch…) and the value there.</summary>
public sealed record CurvePoint(int Step, double Value);
