using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Plugins;

namespace PluginHost.Tests;

/// <summary>The private, versioned copies plugins are loaded from.</summary>
public sealed class ShadowCopyTests
{
    [Fact]
    public void Versions_are_private_copies_and_natives_are_stored_once_per_content()
    {
        var source = TempDirs.Create("plugin-src");
        File.WriteAllText(Path.Combine(source, "My.dll"), "managed v1");
        Directory.CreateDirectory(Path.Combine(source, "runtimes", "linux-x64", "native"));
        File.WriteAllText(Path.Combine(source, "runtimes", "linux-x64", "native", "libfoo.so"), "native bits");
        var copies = new PluginShadowCopies(TempDirs.Create("shadow"), NullLogger.Instance);

        var first = copies.Copy(source, "my", CancellationToken.None);
        File.WriteAllText(Path.Combine(source, "My.dll"), "managed v2");
        var second = copies.Copy(source, "my", CancellationToken.None);

        Assert.NotEqual(first, second);
        Assert.Equal("managed v1", File.ReadAllText(Path.Combine(first, "My.dll"))); // a copy: later writes do not reach it
        Assert.Equal("managed v2", File.ReadAllText(Path.Combine(second, "My.dll")));
        var native1 = Resolve(Path.Combine(first, "runtimes", "linux-x64", "native", "libfoo.so"));
        var native2 = Resolve(Path.Combine(second, "runtimes", "linux-x64", "native", "libfoo.so"));
        Assert.Equal(native1, native2);
        Assert.StartsWith(copies.NativesRoot, native1);
        Assert.Equal("native bits", File.ReadAllText(native1));

        copies.Delete(first);
        Assert.False(Directory.Exists(first));
        Assert.True(File.Exists(native2)); // the store outlives versions
    }

    [Fact]
    public void Folders_of_ended_processes_are_deleted_and_locked_ones_kept()
    {
        var root = TempDirs.Create("shadow");
        var ended = Directory.CreateDirectory(Path.Combine(root, "999999")).FullName;
        File.WriteAllText(Path.Combine(ended, ".lock"), "");
        var alive = Directory.CreateDirectory(Path.Combine(root, "999998")).FullName;
        using (new FileStream(Path.Combine(alive, ".lock"), FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        {
            _ = new PluginShadowCopies(root, NullLogger.Instance);

            Assert.False(Directory.Exists(ended));
            Assert.True(Directory.Exists(alive));
        }
    }

    [Theory]
    [InlineData("runtimes/linux-x64/native/libLdaNative.so", true)]
    [InlineData("runtimes/win-x64/native/LdaNative.dll", true)]
    [InlineData("runtimes/linux-x64/nativeassets/netstandard2.0/libCpuMathNative.so", true)]
    [InlineData("libonnxruntime.so.1.20", true)]
    [InlineData("libSkiaSharp.dylib", true)]
    [InlineData("Microsoft.ML.Core.dll", false)]
    [InlineData("runtimes/win/lib/net8.0/System.Drawing.Common.dll", false)]
    [InlineData("MyPlugin.deps.json", false)]
    public void Native_libraries_are_recognised_by_path(string path, bool native) =>
        Assert.Equal(native, PluginShadowCopies.IsNativeLibrary(path.Replace('/', Path.DirectorySeparatorChar)));

    private static string Resolve(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
}
