using System.Collections;
using Microsoft.Extensions.Options;
using PluginHost.Plugins.Segmentation.GroundingDino;
using PluginHost.Plugins.Segmentation.Sam;
using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.Segmentation;

/// <summary>Fills settings left unset in configuration from the Python examples' environment names (<c>BOX_THRESHOLD</c>,
/// <c>TEXT_THRESHOLD</c>, <c>ONNX_CHECKPOINT</c>; see <see cref="PythonEnvironment"/>). The host registers a plugin's
/// <see cref="IPostConfigureOptions{TOptions}"/> classes with its settings.</summary>
public sealed class SegmentationEnvironmentSetup : IPostConfigureOptions<SamSettings>, IPostConfigureOptions<GroundingDinoSettings>
{
    private readonly BackendEnvironment _backend;
    private readonly Func<IDictionary> _variables;

    public SegmentationEnvironmentSetup(BackendEnvironment backend) : this(backend, Environment.GetEnvironmentVariables)
    {
    }

    internal SegmentationEnvironmentSetup(BackendEnvironment backend, Func<IDictionary> variables)
    {
        _backend = backend;
        _variables = variables;
    }

    public void PostConfigure(string? name, SamSettings options) => PythonEnvironment.Apply(options, _backend.Settings, _variables());

    public void PostConfigure(string? name, GroundingDinoSettings options) => PythonEnvironment.Apply(options, _backend.Settings, _variables());
}
