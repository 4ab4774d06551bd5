namespace PluginHost.Backends;

public enum BackendState
{
    /// <summary>Known, first version not loaded yet.</summary>
    Loading,

    /// <summary>Serving.</summary>
    Ready,

    /// <summary>The last load failed; <see cref="BackendSlot.Current"/> (if any) is the last good version, still serving.</summary>
    Failed,
}
