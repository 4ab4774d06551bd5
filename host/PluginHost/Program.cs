using PluginHost;
using PluginHost.Deployment;
using PluginHost.Jobs.Cli;

// `predict --backend <name> --project <id>`: pre-annotate a project in the foreground (docs/prediction-jobs.md).
if (args.Length > 0 && args[0] == PredictCommand.Verb) return await PredictCommand.RunAsync(args[1..]);
// `--worker <backend>`: a worker process serving one isolated backend for its host (docs/hardening.md).
if (args is [PluginHost.Isolation.WorkerCommand.Switch, ..]) return await PluginHost.Isolation.WorkerHost.RunAsync(args);
// `--healthcheck`: the container's HEALTHCHECK (docs/operations.md).
if (args is [HealthProbe.Switch, ..]) return await HealthProbe.RunAsync(Environment.GetEnvironmentVariable);
if (args is [HealthProbe.ReadySwitch, ..]) return await HealthProbe.RunAsync(Environment.GetEnvironmentVariable, "/ready", CancellationToken.None);
await PluginHostApp.Create(args).RunAsync();
return 0;
