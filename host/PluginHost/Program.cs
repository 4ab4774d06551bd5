// Placeholder entry point; the server is built in the foundation commit.
Console.WriteLine("PluginHost");
