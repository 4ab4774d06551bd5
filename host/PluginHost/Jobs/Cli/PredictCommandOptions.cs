namespace PluginHost.Jobs.Cli;

/// <summary>The options of <c>predict</c>; anything else (e.g. <c>--PluginHost:ModelDir=…</c>) configures the host.</summary>
internal sealed class PredictCommandOptions
{
    public string? Backend { get; private set; }

    public string? Project { get; private set; }

    public string? Url { get; private set; }

    public string? ApiKey { get; private set; }

    public long? View { get; private set; }

    public List<long>? Tasks { get; private set; }

    public int? BatchSize { get; private set; }

    public int? Concurrency { get; private set; }

    public bool SkipExisting { get; private set; } = true;

    public bool Verbose { get; private set; }

    public List<string> HostArgs { get; } = [];

    public static PredictCommandOptions Parse(IReadOnlyList<string> args)
    {
        var options = new PredictCommandOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            switch (arg)
            {
                case "--backend" or "-b": options.Backend = Value(); break;
                case "--project" or "-p": options.Project = Value(); break;
                case "--url": options.Url = Value(); break;
                case "--api-key": options.ApiKey = Value(); break;
                case "--view": options.View = long.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--tasks":
                    options.Tasks = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(t => long.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                    break;
                case "--all": break;
                case "--batch-size": options.BatchSize = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--concurrency": options.Concurrency = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--no-skip-existing": options.SkipExisting = false; break;
                case "--verbose" or "-v": options.Verbose = true; break;
                default: options.HostArgs.Add(arg); break;
            }
        }
        if (options.Backend is null || options.Project is null)
            throw new ArgumentException("Usage: predict --backend <name> --project <id> [--url <label studio> --api-key <key>] "
                + "[--view <id> | --tasks 1,2,3] [--batch-size N] [--concurrency N] [--no-skip-existing]");
        return options;
    }

    public PredictionJobRequest ToRequest() => new()
    {
        Project = Project,
        View = View,
        Tasks = Tasks,
        BatchSize = BatchSize,
        Concurrency = Concurrency,
        SkipExisting = SkipExisting,
        LabelStudioUrl = Url,
        ApiKey = ApiKey,
    };
}
