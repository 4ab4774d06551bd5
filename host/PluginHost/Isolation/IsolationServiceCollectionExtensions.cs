namespace PluginHost.Isolation;

internal static class IsolationServiceCollectionExtensions
{
    /// <summary>Which backends run here, and the supervisors of those that run in worker processes.</summary>
    public static IServiceCollection AddProcessIsolation(this IServiceCollection services)
    {
        services.AddSingleton<BackendPlacement>();
        services.AddOptions<IsolationSettings>().BindConfiguration(IsolationSettings.Section);
        services.AddSingleton<IsolatedWorkers>();
        services.AddHostedService(sp => sp.GetRequiredService<IsolatedWorkers>());
        return services;
    }
}
