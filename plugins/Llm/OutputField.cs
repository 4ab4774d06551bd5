using PluginHost.Sdk.LabelConfigs;

namespace PluginHost.Plugins.Llm;

/// <summary>One control the model fills in, under its own name in the answer's JSON object.</summary>
internal sealed record OutputField(ControlTag Control, OutputKind Kind, ObjectTag Object)
{
    public string Name => Control.Name;

    /// <summary>The highest rating (<c>maxRating</c>, 5 by default).</summary>
    public int MaxRating => (int)(Control.NumberAttribute("maxRating") ?? 5);

    public double? Min => Control.NumberAttribute("min");

    public double? Max => Control.NumberAttribute("max");
}
