using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Plugins.Segmentation.GroundingDino;
using PluginHost.Plugins.Segmentation.Sam;
using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.Segmentation;

/// <summary>Fills settings left unset in configuration from the Python examples' environment names
/// (<c>BOX_THRESHOLD</c>, <c>TEXT_THRESHOLD</c>, <c>ONNX_CHECKPOINT</c>); see <see cref="PythonEnvironment"/>.</summary>
public sealed class SegmentationStartup : IPluginStartup
{
    private readonly Func<IDictionary> _environment;

    public SegmentationStartup() : this(Environment.GetEnvironmentVariables)
    {
    }

    internal SegmentationStartup(Func<IDictionary> environment) => _environment = environment;

    public void ConfigureServices(IServiceCollection services, IConfiguration settings)
    {
        services.PostConfigure<GroundingDinoSettings>(options => PythonEnvironment.Apply(options, settings, _environment()));
        services.PostConfigure<SamSettings>(options => PythonEnvironment.Apply(options, settings, _environment()));
    }
}
