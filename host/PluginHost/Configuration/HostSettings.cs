namespace PluginHost.Configuration;

/// <summary>The host's settings: section <c>PluginHost</c> of appsettings.json, overridable by the Python SDK's
/// environment names (see <see cref="EnvironmentAliases"/>).</summary>
public sealed class HostSettings
{
    public const string Section = "PluginHost";

    /// <summary>Interface to listen on (<c>HOST</c>). 0.0.0.0 so Label Studio in Docker can reach it.</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary><c>PORT</c>.</summary>
    public int Port { get; set; } = 9090;

    /// <summary><c>MODEL_DIR</c>: weights, state and the annotation store, one folder per backend and project.</summary>
    public string ModelDir { get; set; } = "data/models";

    /// <summary><c>PLUGINS_DIR</c>: one subfolder per plugin. Empty means the folder the solution build fills.</summary>
    public string PluginsDir { get; set; } = "";

    /// <summary><c>SCRIPTS_DIR</c>: <c>*.csx</c> backends. Empty means <c>scripts/</c> of the repository.</summary>
    public string ScriptsDir { get; set; } = "";

    /// <summary>The backend the bare routes (<c>/predict</c>, <c>/setup</c>…) serve. Empty: the only backend, if there is one.</summary>
    public string DefaultBackend { get; set; } = "";

    /// <summary><c>BASIC_AUTH_USER</c> / <c>BASIC_AUTH_PASS</c>: when both are set every route needs them.</summary>
    public string BasicAuthUser { get; set; } = "";

    public string BasicAuthPass { get; set; } = "";

    /// <summary><c>WEBHOOK_SECRET</c>: lets Label Studio's (unauthenticated) webhooks in when basic auth is on,
    /// through the header <c>X-Webhook-Secret</c> or the query <c>?token=</c>.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Largest accepted request body (413 beyond).</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>A client must send its request line and headers within this time, else Kestrel closes the connection
    /// (Kestrel's default is 30 s; Label Studio sends each request at once, so a slow sender only holds a connection).</summary>
    public double RequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>Largest <c>/predict</c> answer, in bytes: past it the answer is a JSON 500 naming this setting instead of a
    /// body that could exhaust the host's memory (one prediction can amplify a small request into a huge answer).</summary>
    public long MaxResponseBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Most regions one prediction may carry; the rest are dropped and the answer's <c>warnings</c> say so.</summary>
    public int MaxRegionsPerPrediction { get; set; } = 10_000;

    /// <summary>A predict call running longer answers 504 (the backend is reported; the host keeps serving).</summary>
    public double PredictTimeoutSeconds { get; set; } = 60;

    /// <summary>Answer 500 naming the first invalid region instead of dropping it (for backend developers; per backend:
    /// <c>Backends:&lt;name&gt;:StrictPredictions</c>). Off: invalid regions are dropped and named in <c>warnings</c>.</summary>
    public bool StrictPredictions { get; set; }

    /// <summary>Predict calls one backend runs at once (its bulkhead); null: four per core. A call that timed out
    /// keeps its slot until the backend really returns. Per backend: <c>Backends:&lt;name&gt;:MaxConcurrentPredicts</c>.</summary>
    public int? MaxConcurrentPredicts { get; set; }

    /// <summary>Predict calls that may wait for one of a backend's slots; past it the backend answers 503 with
    /// <c>Retry-After</c> at once. Null: twice <see cref="MaxConcurrentPredicts"/>. Per backend:
    /// <c>Backends:&lt;name&gt;:MaxQueuedPredicts</c>.</summary>
    public int? MaxQueuedPredicts { get; set; }

    /// <summary>The <c>Retry-After</c> (seconds) of a 503 from a full bulkhead.</summary>
    public int BusyRetryAfterSeconds { get; set; } = 1;

    /// <summary>Thread-pool worker threads created without the pool's slow injection (about one per 0.5 s past the
    /// minimum): a backend blocking its threads holds up to its <see cref="MaxConcurrentPredicts"/>, and the others must
    /// not wait for new threads meanwhile. Raised at start, never lowered below the runtime's own minimum.</summary>
    public int MinThreadPoolThreads { get; set; } = 64;

    /// <summary>Include exception types' stack traces in 500 answers (off: never leak internals by default).</summary>
    public bool ExposeErrorDetails { get; set; }

    /// <summary><c>LABEL_STUDIO_URL</c> and <c>LABEL_STUDIO_API_KEY</c>: for task data and pulling annotations.</summary>
    public string LabelStudioUrl { get; set; } = "";

    public string LabelStudioApiKey { get; set; } = "";

    /// <summary><c>REDIS_URL</c> (or the Python SDK's <c>REDIS_HOST</c>/<c>REDIS_PORT</c>): set, the host runs in cluster mode
    /// with its replicas sharing state through Redis (docs/cluster.md); empty, embedded mode.</summary>
    public string RedisUrl { get; set; } = "";

    public bool BasicAuthEnabled => BasicAuthUser.Length > 0 && BasicAuthPass.Length > 0;
}
