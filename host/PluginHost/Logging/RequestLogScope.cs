using System.Collections;

namespace PluginHost.Logging;

/// <summary>
/// The logging scope of one request: its id, the backend it addresses (known once routing ran) and, once the body is
/// read, the Label Studio project. Set as a request feature so the handler can fill in the project after the scope
/// began; formatters read it when they write a line, so every line of the request carries all three.
/// </summary>
public sealed class RequestLogScope(string requestId, Func<string?> backend) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private Func<string?>? _resolveBackend = backend;
    private string? _backend;

    public string RequestId { get; } = requestId;

    public string? Backend
    {
        get
        {
            try
            {
                if (_resolveBackend is { } resolve && (_backend = resolve()) is not null) _resolveBackend = null;
            }
            catch (ObjectDisposedException)
            {
                // Another thread logged just as the request ended: the line goes without the backend.
                _resolveBackend = null;
            }
            return _backend;
        }
    }

    /// <summary>Resolves the backend for good, while the request is alive: work the request started (a prediction job's
    /// thread) keeps this scope and logs after the request's context is gone.</summary>
    public void Freeze()
    {
        _ = Backend;
        _resolveBackend = null;
    }

    public string? Project { get; set; }

    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RequestId", RequestId),
        1 => new("Backend", Backend),
        2 => new("Project", Project),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Records the project in the current request's scope (no-op outside one).</summary>
    public static void SetProject(HttpContext context, string? project)
    {
        if (context.Features.Get<RequestLogScope>() is { } scope) scope.Project = project;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Project is null ? $"RequestId:{RequestId} Backend:{Backend}" : $"RequestId:{RequestId} Backend:{Backend} Project:{Project}";
}
