using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Data;

/// <summary>Where a project's Label Studio is and how to authenticate to it.</summary>
/// <param name="Url">Label Studio's base URL, or null when unknown.</param>
/// <param name="ApiKey">A legacy token or a personal access token (JWT), or null when unknown.</param>
public sealed record LabelStudioConnection(string? Url, string? ApiKey);

/// <summary>
/// The Label Studio connection of each project. The host calls <see cref="Remember"/> on every <c>/setup</c>
/// (Label Studio sends its <c>hostname</c> and the project owner's <c>access_token</c> there); task-data access
/// asks <see cref="Get"/>.
/// </summary>
public interface ILabelStudioConnections
{
    /// <summary>Records the values a project's <c>/setup</c> carried. Blank values leave what was known.</summary>
    void Remember(ProjectRef project, string? hostname, string? accessToken);

    /// <summary>The effective connection: the project's remembered values, then the configured ones
    /// (<see cref="TaskDataOptions.PreferConfiguredConnection"/> reverses that order), field by field.</summary>
    LabelStudioConnection Get(ProjectRef? project);
}

/// <summary>The default, in-memory <see cref="ILabelStudioConnections"/>.</summary>
public sealed class LabelStudioConnections(IOptions<TaskDataOptions> options) : ILabelStudioConnections
{
    private readonly ConcurrentDictionary<string, LabelStudioConnection> _byProject = new(StringComparer.Ordinal);

    public void Remember(ProjectRef project, string? hostname, string? accessToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        var url = string.IsNullOrWhiteSpace(hostname) ? null : hostname.Trim();
        var key = string.IsNullOrWhiteSpace(accessToken) ? null : accessToken.Trim();
        if (url is null && key is null) return;
        _byProject.AddOrUpdate(project.Id,
            _ => new LabelStudioConnection(url, key),
            (_, known) => new LabelStudioConnection(url ?? known.Url, key ?? known.ApiKey));
    }

    public LabelStudioConnection Get(ProjectRef? project)
    {
        var configured = new LabelStudioConnection(Blank(options.Value.LabelStudioUrl), Blank(options.Value.ApiKey));
        if (project is null || !_byProject.TryGetValue(project.Id, out var remembered)) return configured;
        var (first, second) = options.Value.PreferConfiguredConnection ? (configured, remembered) : (remembered, configured);
        // The URL and the key travel together: a key is only ever paired with the URL it came with, unless that
        // source has no URL at all.
        if (first.Url is not null) return new LabelStudioConnection(first.Url, first.ApiKey ?? (SameOrigin(first.Url, second.Url) ? second.ApiKey : null));
        return new LabelStudioConnection(second.Url, first.ApiKey ?? second.ApiKey);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static bool SameOrigin(string a, string? b) =>
        b is not null && Uri.TryCreate(a, UriKind.Absolute, out var ua) && Uri.TryCreate(b, UriKind.Absolute, out var ub)
        && Uri.Compare(ua, ub, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
