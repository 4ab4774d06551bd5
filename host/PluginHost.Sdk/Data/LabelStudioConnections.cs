using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Data;

/// <summary>Where a project's Label Studio is and how to authenticate to it.</summary>
/// <param name="Url">Label Studio's base URL, or null when unknown.</param>
/// <param name="ApiKey">A legacy token or a personal access token (JWT), or null when unknown.</param>
internal sealed record LabelStudioConnection(string? Url, string? ApiKey)
{
    /// <summary>No Label Studio known.</summary>
    public static LabelStudioConnection None { get; } = new(null, null);

    /// <summary>Where <see cref="ApiKey"/> came from (<c>/setup</c> or <c>LABEL_STUDIO_API_KEY</c>), for error messages.</summary>
    public string? ApiKeySource { get; init; }

    /// <summary><see cref="Url"/> as an absolute http(s) URI; null when it is unknown or not such a URL.</summary>
    public Uri? BaseUri => Url is not null && Uri.TryCreate(Url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    /// <summary>Both a usable URL and a key are known.</summary>
    [MemberNotNullWhen(true, nameof(Url), nameof(ApiKey))]
    public bool IsComplete => BaseUri is not null && ApiKey is not null;

    /// <summary>Whether a request to <paramref name="target"/> carries the key: only on Label Studio's own origin
    /// (scheme, host and port), never on a presigned bucket or any other host.</summary>
    [MemberNotNullWhen(true, nameof(BaseUri), nameof(ApiKey))]
    public bool Authenticates(Uri target) => ApiKey is not null && BaseUri is { } baseUri && target.IsAbsoluteUri && TaskDataUrls.SameOrigin(target, baseUri);

    // Keeps the key out of logs and error messages that print a connection.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Url = {Url}, ApiKey = {(ApiKey is null ? "none" : "***")} from {ApiKeySource}");
        return true;
    }
}

/// <summary>How a project's <c>/setup</c> values and the configured ones combine (docs/label-studio-access.md).</summary>
internal enum LabelStudioPrecedence
{
    /// <summary>Task data: field by field, the project's <c>/setup</c> values first, then the configured ones
    /// (<see cref="TaskDataOptions.PreferConfiguredConnection"/> reverses the order). A key is only paired with the
    /// URL it came with, unless its source has no URL at all.</summary>
    SetupFirst,

    /// <summary>Pulling annotations: the configured URL and key when both are set, else the URL and key of the
    /// project's <c>/setup</c> when both were sent; never a mix of the two.</summary>
    ConfiguredPairFirst,
}

/// <summary>
/// The Label Studio connection of each project, the one registry for task data and training pulls. The host calls
/// <see cref="Remember"/> on every <c>/setup</c> (Label Studio sends its <c>hostname</c> and the project owner's
/// <c>access_token</c> there); callers ask <see cref="Get"/>.
/// </summary>
internal interface ILabelStudioConnections
{
    /// <summary>Records the values a project's <c>/setup</c> carried. Blank values leave what was known.</summary>
    void Remember(ProjectRef project, string? hostname, string? accessToken);

    /// <summary>The effective connection of <paramref name="project"/> (null: the configured one only) under
    /// <paramref name="precedence"/>; fields may be null when unknown.</summary>
    LabelStudioConnection Get(ProjectRef? project, LabelStudioPrecedence precedence = LabelStudioPrecedence.SetupFirst);
}

/// <summary>The default, in-memory <see cref="ILabelStudioConnections"/>; configured values come from <see cref="TaskDataOptions"/>.</summary>
internal sealed class LabelStudioConnections(IOptions<TaskDataOptions> options) : ILabelStudioConnections
{
    private const string SetupSource = "/setup";
    private const string ConfiguredSource = "LABEL_STUDIO_API_KEY";

    private readonly ConcurrentDictionary<string, LabelStudioConnection> _byProject = new(StringComparer.Ordinal);

    public void Remember(ProjectRef project, string? hostname, string? accessToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        var url = Blank(hostname);
        var key = Blank(accessToken);
        if (url is null && key is null) return;
        _byProject.AddOrUpdate(project.Id,
            _ => new LabelStudioConnection(url, key) { ApiKeySource = SetupSource },
            // A remembered key belongs to the origin it came with: a move to another origin without a key forgets it.
            (_, known) => new LabelStudioConnection(url ?? known.Url,
                key ?? (url is null || known.Url is null || SameOrigin(url, known.Url) ? known.ApiKey : null)) { ApiKeySource = SetupSource });
    }

    public LabelStudioConnection Get(ProjectRef? project, LabelStudioPrecedence precedence = LabelStudioPrecedence.SetupFirst)
    {
        var configured = new LabelStudioConnection(Blank(options.Value.LabelStudioUrl), Blank(options.Value.ApiKey)) { ApiKeySource = ConfiguredSource };
        var remembered = project is not null && _byProject.TryGetValue(project.Id, out var r) ? r : null;
        if (precedence == LabelStudioPrecedence.ConfiguredPairFirst)
            return configured.IsComplete ? configured : remembered is { IsComplete: true } ? remembered : LabelStudioConnection.None;

        if (remembered is null) return configured;
        var (first, second) = options.Value.PreferConfiguredConnection ? (configured, remembered) : (remembered, configured);
        // The URL and the key travel together: a key is only ever paired with the URL it came with, unless that
        // source has no URL at all.
        var key = first.Url is not null
            ? (first.ApiKey is not null ? first : SameOrigin(first.Url, second.Url) ? second : null)
            : (first.ApiKey is not null ? first : second);
        return new LabelStudioConnection(first.Url ?? second.Url, key?.ApiKey) { ApiKeySource = key?.ApiKey is null ? null : key.ApiKeySource };
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static bool SameOrigin(string a, string? b) =>
        b is not null && Uri.TryCreate(a, UriKind.Absolute, out var ua) && Uri.TryCreate(b, UriKind.Absolute, out var ub)
        && TaskDataUrls.SameOrigin(ua, ub);
}
