using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.Cluster;
using PluginHost.Configuration;
using PluginHost.Data;
using PluginHost.Http;
using PluginHost.Http.Docs;
using PluginHost.Jobs;
using PluginHost.Logging;
using PluginHost.Metrics;
using PluginHost.Plugins;
using PluginHost.Scripts;
using PluginHost.Invocation;
using PluginHost.Isolation;
using PluginHost.Projects;
using PluginHost.Training;
using PluginHost.Training.LabelStudio;
using PluginHost.Ui;

namespace PluginHost;

/// <summary>Builds the host: configuration, services, Kestrel and routes. Program and the tests both start it here.</summary>
public static class PluginHostApp
{
    /// <param name="args">Command-line arguments (highest precedence).</param>
    /// <param name="overrides">Configuration applied last, e.g. by tests (port 0, temporary folders).</param>
    public static WebApplication Create(string[] args, IDictionary<string, string?>? overrides = null)
    {
        args = HostLogging.WithoutDebugSwitch(args, out var debug);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // The slim builder already reads appsettings.json (reloaded on change: editing the Backends section re-creates
        // the affected backends, docs/plugins.md); the Python SDK's names and the command line override it.
        builder.Configuration.AddInMemoryCollection(EnvironmentAliases.Read(Environment.GetEnvironmentVariable));
        builder.Configuration.AddCommandLine(args);
        if (debug) builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", "Debug")]);
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        HostLogging.Configure(builder.Logging, builder.Configuration);

        var settings = builder.Configuration.GetSection(HostSettings.Section).Get<HostSettings>() ?? new HostSettings();
        builder.Services.Configure<HostSettings>(builder.Configuration.GetSection(HostSettings.Section));
        builder.Services.Configure<PluginWatchSettings>(builder.Configuration.GetSection(HostSettings.Section));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(settings.RequestHeadersTimeoutSeconds);
            // A worker process (--worker) listens on its host's Unix domain socket only.
            if (builder.Configuration[BackendPlacement.WorkerSocketKey] is { Length: > 0 } socket) kestrel.ListenUnixSocket(socket);
            else kestrel.Listen(System.Net.IPAddress.Parse(settings.Host), settings.Port);
        });
        AddPluginHost(builder.Services);
        builder.Services.AddClusterMode(builder.Configuration);
        builder.Services.AddTaskDataForBackends(builder.Configuration);
        builder.Services.AddPredictionJobs();
        builder.Services.AddApiDocs();
        builder.Services.AddStatusPage();
        builder.Services.AddMetricsExport();

        var app = builder.Build();
        app.UseMiddleware<RequestLogScopeMiddleware>();
        app.UseMiddleware<JsonErrorMiddleware>();
        // Routing before auth: auth decides by the matched endpoint's metadata (webhook or not).
        app.UseRouting();
        app.UseMiddleware<BasicAuthMiddleware>();
        app.UseMiddleware<Jobs.Http.InteractiveTrafficMiddleware>();
        app.UseMiddleware<WorkerForwardingMiddleware>();
        app.MapLabelStudioRoutes();
        app.MapApiDocs();
        app.MapStatusPage();
        app.MapMetricsExport();
        return app;
    }

    private static void AddPluginHost(IServiceCollection services)
    {
        services.AddSingleton<HostPaths>();
        // First of the hosted services: isolated backends' workers boot while the host loads its own backends.
        services.AddProcessIsolation();
        services.AddSingleton<BackendRegistry>();
        services.AddSingleton<LabelConfigCache>();
        services.AddSingleton<BackendContextFactory>();
        services.AddSingleton<PredictInvoker>();
        services.AddPredictSteps();
        services.AddSingleton<BackendActivator>();
        services.AddSingleton<BackendEndpoints>();
        // Embedded implementations of the per-concern stores (a cluster mode registers its own instead).
        services.AddSingleton<IProjectStore, FileProjectStore>();
        services.AddSingleton<IActiveVersionStore, FileActiveVersionStore>();
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<IAnnotationStore, SqliteAnnotationStore>();
        services.AddSingleton<TrainingJobLog>();
        services.AddSingleton<TrainingQueue>();
        services.AddSingleton<ITrainingQueue>(sp => sp.GetRequiredService<TrainingQueue>());
        services.AddOptions<HostTrainingSettings>().BindConfiguration(HostTrainingSettings.Section);
        services.AddSingleton<IConfigureOptions<BackendTrainingSettings>, BackendTrainingSettingsSetup>();
        services.AddSingleton<BackendTrainingOptions>();
        services.AddSingleton<VersionService>();
        services.AddSingleton<ModelStore>();
        services.AddSingleton<ModelActivator>();
        services.AddSingleton<TrainingJobRunner>();
        services.AddSingleton<LabelStudioClient>();
        services.AddSingleton<TrainingService>();
        services.AddSingleton<ITrainingService>(sp => sp.GetRequiredService<TrainingService>());
        services.AddSingleton<ISetupObserver>(sp => sp.GetRequiredService<TrainingService>());
        // Before the plugin source: stale staging folders go before any model loads.
        services.AddHostedService<TrainingWorker>();
        services.AddHostedService<PluginFolderSource>();
        services.AddOptions<ScriptOptions>().BindConfiguration(HostSettings.Section);
        services.AddSingleton<ScriptSource>();
        services.AddHostedService(sp => sp.GetRequiredService<ScriptSource>());
        services.AddHostedService<IsolatedWorkersReady>();
    }
}
