using PluginHost.Jobs.Checkpoints;
using PluginHost.Jobs.Http;
using PluginHost.Jobs.LabelStudio;

namespace PluginHost.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>Prediction jobs: the manager (resumes unfinished jobs at start), the file checkpoint store under MODEL_DIR,
    /// the Label Studio client with its resilience pipeline, metrics and the HTTP endpoints.</summary>
    public static IServiceCollection AddPredictionJobs(this IServiceCollection services)
    {
        services.AddOptions<JobSettings>().BindConfiguration(JobSettings.Section);
        services.AddMetrics();
        services.AddJobResilience();
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<InteractiveTraffic>();
        services.AddSingleton<IJobCheckpointStore, FileJobCheckpointStore>();
        services.AddSingleton<LabelStudioTasksApi>();
        services.AddSingleton<IBatchPredictor, HostBatchPredictor>();
        services.AddSingleton<PredictionJobServices>();
        services.AddSingleton<PredictionJobRunner>();
        services.AddSingleton<PredictionJobs>();
        services.AddHostedService(sp => sp.GetRequiredService<PredictionJobs>());
        services.AddSingleton<JobEndpoints>();
        return services;
    }
}
