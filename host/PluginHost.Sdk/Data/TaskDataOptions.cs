namespace PluginHost.Sdk.Data;

/// <summary>
/// How task data is fetched. <see cref="TaskDataServiceCollectionExtensions.AddTaskDataAccess"/> fills these from the
/// Python SDK's environment variables first (<see cref="ApplyEnvironment"/>), then applies the caller's configuration.
/// </summary>
internal sealed class TaskDataOptions
{
    /// <summary>Label Studio's base URL (<c>LABEL_STUDIO_URL</c>, else <c>LABEL_STUDIO_HOST</c>), e.g. <c>http://label-studio:8080</c>.
    /// How it combines with a project's <c>/setup</c> values: <see cref="LabelStudioPrecedence"/>.</summary>
    public string? LabelStudioUrl { get; set; }

    /// <summary>A legacy token or a personal access token (<c>LABEL_STUDIO_API_KEY</c>, else <c>LABEL_STUDIO_ACCESS_TOKEN</c>).
    /// How it combines with a project's <c>/setup</c> values: <see cref="LabelStudioPrecedence"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>When true, <see cref="LabelStudioUrl"/>/<see cref="ApiKey"/> win over the values received in <c>/setup</c>
    /// for task data (training pulls prefer them anyway; useful when Label Studio announces <c>http://localhost:8080</c>, unreachable from a container).</summary>
    public bool PreferConfiguredConnection { get; set; }

    /// <summary>Where <c>/data/local-files/?d=</c> paths are read from disk when the file exists
    /// (<c>LOCAL_FILES_DOCUMENT_ROOT</c> or <c>LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT</c>). Null: always download.</summary>
    public string? LocalFilesDocumentRoot { get; set; }

    /// <summary>The download cache folder (<c>TASK_DATA_CACHE_DIR</c>).</summary>
    public string CacheDirectory { get; set; } = DefaultCacheDirectory();

    /// <summary>The cache's size bound; least recently used files are evicted past it (<c>TASK_DATA_CACHE_SIZE_MB</c>).</summary>
    public long CacheSizeLimitBytes { get; set; } = 1L << 30;

    /// <summary>A single download larger than this fails.</summary>
    public long MaxDownloadBytes { get; set; } = 512L << 20;

    /// <summary>Per download, redirects and token refresh included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Verify TLS certificates (<c>VERIFY_SSL</c>), for every request of <see cref="ILabelStudioApi"/>.</summary>
    public bool VerifySsl { get; set; } = true;

    public int MaxRedirects { get; set; } = 5;

    /// <summary>Hosts task data may be fetched from although they are on a loopback, link-local or private network
    /// (<c>TASK_DATA_ALLOWED_HOSTS</c>, comma-separated): names, <c>name:port</c>, IP addresses or CIDR blocks such as
    /// <c>10.0.0.0/8</c>. The Label Studio origin is always allowed; everything else on such networks is refused.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Reads the Python SDK's environment variable names; unset variables leave the current values.</summary>
    public TaskDataOptions ApplyEnvironment(Func<string, string?>? getEnvironmentVariable = null)
    {
        var env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        string? Get(params string[] names) => names.Select(env).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

        LabelStudioUrl = Get("LABEL_STUDIO_URL", "LABEL_STUDIO_HOST") ?? LabelStudioUrl;
        ApiKey = Get("LABEL_STUDIO_API_KEY", "LABEL_STUDIO_ACCESS_TOKEN") ?? ApiKey;
        LocalFilesDocumentRoot = Get("LOCAL_FILES_DOCUMENT_ROOT", "LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT") ?? LocalFilesDocumentRoot;
        CacheDirectory = Get("TASK_DATA_CACHE_DIR") ?? CacheDirectory;
        if (long.TryParse(Get("TASK_DATA_CACHE_SIZE_MB"), out var mb) && mb > 0) CacheSizeLimitBytes = mb << 20;
        if (Get("TASK_DATA_ALLOWED_HOSTS") is { } allowed)
            AllowedHosts = [.. allowed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        if (Get("VERIFY_SSL")?.ToLowerInvariant() is { } verify)
            VerifySsl = verify is not ("false" or "0" or "no" or "off");
        return this;
    }

    private static string DefaultCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var root = !string.IsNullOrEmpty(xdg) ? xdg
            : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache")
            : Path.GetTempPath();
        return Path.Combine(root, "pluginhost", "task-data");
    }
}
