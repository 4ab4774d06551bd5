namespace PluginHost.Backends;

/// <summary>Registration of host services that backends may take in their constructors.</summary>
public static class SharedBackendServicesExtensions
{
    /// <summary>Registers a host singleton and forwards it into every backend's private service provider.</summary>
    public static IServiceCollection AddSharedWithBackends<TService, TImplementation>(this IServiceCollection services)
        where TService : class where TImplementation : class, TService
    {
        services.AddSingleton<TService, TImplementation>();
        return services.ShareWithBackends<TService>();
    }

    /// <summary>Forwards an already registered host service into every backend's service provider.</summary>
    public static IServiceCollection ShareWithBackends<TService>(this IServiceCollection services) where TService : class
    {
        var shared = (SharedBackendServices?)services.FirstOrDefault(d => d.ServiceType == typeof(SharedBackendServices))?.ImplementationInstance;
        if (shared is null)
        {
            shared = new SharedBackendServices();
            services.AddSingleton(shared);
        }
        shared.Add(typeof(TService));
        return services;
    }
}
