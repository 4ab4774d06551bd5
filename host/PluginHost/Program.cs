using PluginHost;
using PluginHost.Jobs.Cli;

// `predict --backend <name> --project <id>`: pre-annotate a project in the foreground (docs/prediction-jobs.md).
if (args.Length > 0 && args[0] == PredictCommand.Verb) return await PredictCommand.RunAsync(args[1..]);

await PluginHostApp.Create(args).RunAsync();
return 0;
