namespace PluginHost.Plugins;

/// <summary>
/// How the plugins directory is watched (keys of the <c>PluginHost</c> section, next to <c>PluginsDir</c>).
/// A file event starts a scan after <see cref="PluginDebounceMilliseconds"/> of quiet; a folder is loaded once its
/// files stayed unchanged for <see cref="PluginSettleMilliseconds"/>; <see cref="PluginRescanSeconds"/> rescans
/// anyway in case the file watcher missed something (network shares, inotify limits).
/// </summary>
public sealed class PluginWatchSettings
{
    /// <summary>Quiet time after the last file event before scanning.</summary>
    public int PluginDebounceMilliseconds { get; set; } = 200;

    /// <summary>A changed folder must keep the same files (names, sizes, times) this long before it is loaded.</summary>
    public int PluginSettleMilliseconds { get; set; } = 250;

    /// <summary>Periodic rescan, the safety net behind the file watcher. 0 disables it.</summary>
    public double PluginRescanSeconds { get; set; } = 2;

    /// <summary>Watch the plugins directory at all (false: load once at start, like a production image may want).</summary>
    public bool WatchPlugins { get; set; } = true;

    /// <summary>Where versioned copies of plugin folders are loaded from. Empty: <c>$TMPDIR/pluginhost-shadow</c>.</summary>
    public string ShadowCopyDir { get; set; } = "";
}
