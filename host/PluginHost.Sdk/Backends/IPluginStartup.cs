namespace PluginHost.Sdk.Backends;

/// <summary>
/// Optional: lets a plugin register its own services and typed options. The host calls it on a service
/// collection private to the plugin, with the backend's settings section from configuration.
/// </summary>
public interface IPluginStartup
{
    void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services,
        Microsoft.Extensions.Configuration.IConfiguration settings);
}
