using PluginHost;
using PluginHost.Deployment;

if (args is [HealthProbe.Switch, ..]) return await HealthProbe.RunAsync(Environment.GetEnvironmentVariable);
await PluginHostApp.Create(args).RunAsync();
return 0;
