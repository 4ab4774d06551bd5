namespace PluginHost.Invocation;

public static class PredictStepsServiceCollectionExtensions
{
    /// <summary>The host's predict steps, outermost first: validation sees the answer after the bulkhead gave its slot
    /// back, so checking a large answer never holds a backend's slot.</summary>
    public static IServiceCollection AddPredictSteps(this IServiceCollection services)
    {
        services.AddSingleton<BackendPredictOptions>();
        services.AddSingleton<IPredictStep, PredictionValidationStep>();
        services.AddSingleton<BulkheadStep>();
        services.AddSingleton<IPredictStep>(sp => sp.GetRequiredService<BulkheadStep>());
        services.AddHostedService<ThreadPoolFloor>();
        return services;
    }
}
