using PluginHost;

await PluginHostApp.Create(args).RunAsync();
